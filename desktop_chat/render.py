"""Markdown to the HTML subset QTextDocument shows: pure, cached, and safe by construction.

Raw HTML in model output is escaped (markdown-it with html=False); only http(s) and mailto
links stay links; images become links to their address and are never fetched; fenced code is
highlighted with inline styles (by desktop_chat.highlight, never on the GUI thread), under a
header with its language and a Copy link. No Qt here: the view decides what a click on a link does.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

SAFE_SCHEMES = ("http://", "https://", "mailto:")
COPY_CODE_SCHEME = "action:copycode"
_TASK = re.compile(r"^\[([ xX])\] ")
# Code block colours per theme; the code's own colours are Pygments' (highlight.style_name),
# whose "default" and "monokai" backgrounds these match.
_CODE_COLOURS = {
    False: {
        "background": "#f6f8fa",
        "text": "#24292e",
        "header": "#eaeef2",
        "label": "#57606a",
        "border": "#d0d7de",
    },
    True: {
        "background": "#272822",
        "text": "#f8f8f2",
        "header": "#34352f",
        "label": "#a6a69c",
        "border": "#4a4b44",
    },
}
# Tables: padded cells, a tinted header row, borders that suit the theme.
_TABLE_COLOURS = {False: ("#d0d7de", "#eaeef2"), True: ("#4a4b44", "#34352f")}
_HEADER_CELL = re.compile(r'<th(?: style="([^"]*)")?>')


RENDER_CACHE_ENTRIES = 512


class CodeHighlighter(Protocol):
    def lookup(self, code: str, language: str, dark: bool) -> str | None:
        """The block as HTML, or None while it is being highlighted (shown plain meanwhile)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    code_blocks: tuple[str, ...]
    pending: int = 0  # code blocks shown plain until the highlighter has them
    formulas: tuple[tuple[str, bool], ...] = ()  # (LaTeX, display?) of each <img src="math:N">


def is_safe_link(url: str) -> bool:
    return url.strip().lower().startswith(SAFE_SCHEMES)


@lru_cache(maxsize=4)
def _parser(dark: bool) -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.options["dark"] = dark
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("code_block", _render_fence)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    md.add_render_rule("code_inline", _render_code_inline)
    return md


def _render_fence(self: Any, tokens: list[Any], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    language = (token.info or "").strip().split(" ")[0].lower() if token.type == "fence" else ""
    code = token.content.rstrip("\n")
    blocks: list[str] = env.setdefault("code_blocks", [])
    index = len(blocks)
    blocks.append(code)
    colours = _CODE_COLOURS[bool(options.get("dark"))]
    label = html.escape(language or "text")
    # One header cell holding a borderless table: the language on the left, Copy on the
    # right, and no cell border between them.
    header = (
        f'<td colspan="2" bgcolor="{colours["header"]}" style="padding:3px 10px">'
        '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>'
        f'<td><span style="font-size:small; color:{colours["label"]}">{label}</span></td>'
        '<td align="right"><a style="text-decoration:none; font-size:small" '
        f'href="{COPY_CODE_SCHEME}/{index}">Copy</a></td></tr></table></td>'
    )
    highlighter: CodeHighlighter | None = env.get("highlighter")
    dark = bool(options.get("dark"))
    body = highlighter.lookup(code, language, dark) if highlighter and language else None
    if body is None:
        body = html.escape(code, quote=False)
        if highlighter and language:
            env["pending"] = env.get("pending", 0) + 1
    # A table: QTextDocument gives cells (unlike paragraphs) a background, border and padding
    # of their own, so the block is one box: a header bar (language, Copy) over the code.
    return (
        f'<table width="100%" cellspacing="0" cellpadding="0" border="1" '
        f'style="border-collapse:collapse; border-color:{colours["border"]}; '
        f'margin-top:6px; margin-bottom:8px"><tr>{header}</tr>'
        f'<tr><td colspan="2" style="background-color:{colours["background"]}; '
        f'padding:8px 10px"><pre style="color:{colours["text"]}; white-space:pre-wrap; '
        f'margin:0px">{body}</pre></td></tr></table>'
    )


def _render_code_inline(self: Any, tokens: list[Any], idx: int, options: Any, env: dict) -> str:
    background = "#3a3a3a" if options.get("dark") else "#eff1f3"
    return f'<code style="background-color:{background}">{html.escape(tokens[idx].content)}</code>'


def _render_image(self: Any, tokens: list[Any], idx: int, options: Any, env: dict) -> str:
    token = tokens[idx]
    source = str(token.attrs.get("src", ""))
    alt = html.escape(token.content or "image")
    if is_safe_link(source):
        return f'<a href="{html.escape(source, quote=True)}">[image: {alt}]</a>'
    return f"[image: {alt}]"


def _render_link_open(self: Any, tokens: list[Any], idx: int, options: Any, env: dict) -> str:
    href = str(tokens[idx].attrs.get("href", ""))
    safe = is_safe_link(href)
    env.setdefault("link_stack", []).append(safe)
    if not safe:
        return ""  # the text stays, the link does not
    return f'<a href="{html.escape(href, quote=True)}">'


def _render_link_close(self: Any, tokens: list[Any], idx: int, options: Any, env: dict) -> str:
    stack: list[bool] = env.get("link_stack", [])
    return "</a>" if stack and stack.pop() else ""


def _mark_tasks(tokens: list[Any]) -> None:
    """GitHub-style task list items: "[ ] x" / "[x] x" shown as ☐ / ☑."""
    for token in tokens:
        if token.type == "inline" and token.children:
            first = token.children[0]
            if first.type == "text" and (match := _TASK.match(first.content)):
                box = "☐ " if match.group(1) == " " else "☑ "
                first.content = box + first.content[match.end() :]


_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", re.DOTALL)
# Pandoc's rule: no space after the opening $ or before the closing one, and no digit right
# after it, so "$5 and $10" stays money.
_INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])|\\\((.+?)\\\)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
# Formulas wait in the markdown as private-use characters (which markdown-it leaves alone)
# and become <img src="math:N"> afterwards; the view typesets them (desktop_chat.math_render).
_INLINE_MARK, _DISPLAY_MARK, _END_MARK = "\ue000", "\ue001", "\ue002"
_MARKED = re.compile(f"(?:<p>)?([{_INLINE_MARK}{_DISPLAY_MARK}])(\\d+){_END_MARK}(?:</p>)?")
MATH_SCHEME = "math"


def _mark_math(text: str, formulas: list[tuple[str, bool]]) -> str:
    r"""Take $…$, \(…\), $$…$$ and \[…\] out of the text (not out of code) into `formulas`."""
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return text
    out: list[str] = []
    chunk: list[str] = []
    in_fence = False

    def keep(source: str, display: bool) -> str:
        formulas.append((source.strip(), display))
        mark = _DISPLAY_MARK if display else _INLINE_MARK
        number = f"{mark}{len(formulas) - 1}{_END_MARK}"
        return f"\n\n{number}\n\n" if display else number

    def outside_code(part: str) -> str:
        part = _DISPLAY_MATH.sub(lambda m: keep(m.group(1) or m.group(2), True), part)
        return _INLINE_MATH.sub(lambda m: keep(m.group(1) or m.group(2), False), part)

    def flush() -> None:
        if chunk:
            joined = "\n".join(chunk)
            pieces, last = [], 0
            for span in _CODE_SPAN.finditer(joined):  # `$x$` in code stays as written
                pieces += [outside_code(joined[last : span.start()]), span.group(0)]
                last = span.end()
            out.append("".join([*pieces, outside_code(joined[last:])]))
            chunk.clear()

    for line in text.split("\n"):
        if _FENCE.match(line):
            if not in_fence:
                flush()
            in_fence = not in_fence
            out.append(line)
        elif in_fence:
            out.append(line)
        else:
            chunk.append(line)
    flush()
    return "\n".join(out)


def _math_images(body: str, formulas: list[tuple[str, bool]]) -> str:
    def image(match: re.Match[str]) -> str:
        number = int(match.group(2))
        if number >= len(formulas):
            return match.group(0)
        tag = formula_placeholder(number)
        if match.group(1) == _DISPLAY_MARK:
            return f'<p align="center">{tag}</p>'
        return tag

    return _MARKED.sub(image, body) if formulas else body


def written_formula(source: str, display: bool) -> str:
    """A formula as the model wrote it (what copying it gives)."""
    return f"$${source}$$" if display else f"${source}$"


def formula_as_code(source: str, display: bool) -> str:
    """A formula that is not typeset: its source, as inline code."""
    return f"<code>{html.escape(written_formula(source, display))}</code>"


def formula_placeholder(number: int) -> str:
    """Where formula `number` stands in `Rendered.html`, for the view to replace."""
    return f'<img src="{MATH_SCHEME}:{number}" />'


def formulas_as_source(rendered: Rendered) -> str:
    """The HTML with each formula shown as its LaTeX source, in code (for a view that does
    not typeset: its <img src="math:N"> would show nothing)."""
    body = rendered.html
    for number, (source, display) in enumerate(rendered.formulas):
        body = body.replace(formula_placeholder(number), formula_as_code(source, display), 1)
    return body


_rendered: OrderedDict[tuple[str, bool, object], Rendered] = OrderedDict()


def render_markdown(
    text: str, dark: bool = False, highlighter: CodeHighlighter | None = None
) -> Rendered:
    """Markdown to HTML; code is highlighted by `highlighter` (plain without one).

    Renders are cached once complete; one with blocks still pending is not, so that asking
    again after the highlighter is done gives the highlighted version.
    """
    key = (text, dark, highlighter)
    if (cached := _rendered.get(key)) is not None:
        _rendered.move_to_end(key)
        return cached
    md = _parser(dark)
    env: dict[str, Any] = {"highlighter": highlighter}
    formulas: list[tuple[str, bool]] = []
    tokens = md.parse(_mark_math(text, formulas), env)
    _mark_tasks(tokens)
    body = md.renderer.render(tokens, md.options, env)
    # QTextDocument draws no table borders unless asked in attributes.
    border, header = _TABLE_COLOURS[dark]
    body = body.replace(
        "<table>",
        f'<table border="1" cellspacing="0" cellpadding="6" style="border-collapse:collapse; '
        f'border-color:{border}; margin-top:6px; margin-bottom:8px">',
    )
    body = _HEADER_CELL.sub(
        lambda m: f'<th bgcolor="{header}" style="{m.group(1) or "text-align:left"}">',
        body,
    )
    body = _math_images(body, formulas)
    rendered = Rendered(
        body, tuple(env.get("code_blocks", ())), env.get("pending", 0), tuple(formulas)
    )
    if not rendered.pending:
        _rendered[key] = rendered
        while len(_rendered) > RENDER_CACHE_ENTRIES:
            _rendered.popitem(last=False)
    return rendered
