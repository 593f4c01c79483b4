"""Update the translation sources and compile them.

    python tools/build_translations.py           # lupdate the .ts files, then lrelease them
    python tools/build_translations.py --check   # also fail if an entry is unfinished

`pyside6-lupdate` reads every `translate("Context", "text")` (and `QT_TRANSLATE_NOOP`) in
desktop_chat/ui/*.py and desktop_chat/app.py into desktop_chat/resources/i18n/
desktop_chat_<lang>.ts, keeping the translations already there and dropping strings no longer
used; `pyside6-lrelease` compiles each into the .qm the app loads. The .qm files are
committed, so an install needs no build step. To add a language, add its code to LANGUAGES
here and in desktop_chat/ui/i18n.py, run this, translate the new .ts (Qt Linguist, or any
editor: fill each <translation> and drop its type="unfinished"), and run this again.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "desktop_chat" / "resources" / "i18n"
LANGUAGES = ("de", "zh_CN", "en")
PLURAL_FORMS = {"de": 2, "zh_CN": 1, "en": 2}  # as Qt counts them for each language
# English needs only the counts: Qt shows a source text as it is, so "%n chat(s)" would show
# its "(s)". The en file keeps only the %n entries, "(s)" ones filled in here.
COUNTS_ONLY = ("en",)


def tool(name: str) -> str:
    """The PySide tool beside this Python (a venv), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 (it ships {name})")
    return found


def sources() -> list[str]:
    files = sorted((ROOT / "desktop_chat" / "ui").glob("*.py"))
    return [str(p.relative_to(ROOT)) for p in [*files, ROOT / "desktop_chat" / "app.py"]]


def _numerus_of(ts: Path) -> dict[tuple[str, str], list[str]]:
    """The plural forms translated so far, by (context, source)."""
    if not ts.exists():
        return {}
    kept = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            forms = [f.text or "" for f in message.iter("numerusform")]
            if forms and any(forms):
                kept[(name, message.findtext("source") or "")] = forms
    return kept


def _restore_numerus(ts: Path, kept: dict[tuple[str, str], list[str]], forms: int) -> None:
    """lupdate's Python parser marks plurals only for `self.tr`: a `translate(..., n)` whose
    text has %n becomes a plural entry here, with the forms translated before."""
    tree = ET.parse(ts)
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            if "%n" not in source:
                continue
            message.set("numerus", "yes")
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            previous = kept.get((name, source))
            for child in list(translation):
                translation.remove(child)
            translation.text = None
            for index in range(forms):
                form = ET.SubElement(translation, "numerusform")
                form.text = previous[min(index, len(previous) - 1)] if previous else ""
            if previous:
                translation.attrib.pop("type", None)
            else:
                translation.set("type", "unfinished")
    ET.indent(tree, space="    ")
    text = ET.tostring(tree.getroot(), encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + text + "\n")


def _keep_counts_only(ts: Path) -> None:
    """Drop the entries without %n; fill a "(s)" entry's English forms from its source."""
    tree = ET.parse(ts)
    root = tree.getroot()
    for context in list(root.iter("context")):
        for message in list(context.iter("message")):
            source = message.findtext("source") or ""
            if "%n" not in source:
                context.remove(message)
                continue
            translation = message.find("translation")
            forms = [] if translation is None else list(translation.iter("numerusform"))
            if translation is not None and "(s)" in source and not any(f.text for f in forms):
                forms[0].text = source.replace("(s)", "")
                forms[1].text = source.replace("(s)", "s")
                translation.attrib.pop("type", None)
        if context.find("message") is None:
            root.remove(context)
    ET.indent(tree, space="    ")
    text = ET.tostring(root, encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + text + "\n")


def unfinished(ts: Path) -> list[str]:
    root = ET.parse(ts).getroot()
    return [
        message.findtext("source") or ""
        for message in root.iter("message")
        if (t := message.find("translation")) is not None and t.get("type") == "unfinished"
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on unfinished entries")
    args = parser.parse_args()
    FOLDER.mkdir(parents=True, exist_ok=True)
    ts_files = [FOLDER / f"desktop_chat_{code}.ts" for code in LANGUAGES]
    for ts in ts_files:
        code = ts.stem.removeprefix("desktop_chat_")
        kept = _numerus_of(ts)
        subprocess.run(
            [
                tool("pyside6-lupdate"),
                *sources(),
                "-no-obsolete",
                "-locations",
                "none",
                "-target-language",
                code,
                "-ts",
                str(ts),
            ],
            cwd=ROOT,
            check=True,
        )
        _restore_numerus(ts, kept, PLURAL_FORMS[code])
        if code in COUNTS_ONLY:
            _keep_counts_only(ts)
    for ts in ts_files:
        subprocess.run(
            [tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))],
            check=True,
        )
    missing = {ts.name: unfinished(ts) for ts in ts_files}
    for name, entries in missing.items():
        if entries:
            print(f"{name}: {len(entries)} unfinished", file=sys.stderr)
    return 1 if args.check and any(missing.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
