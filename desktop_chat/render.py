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
_TABLE_OPEN = '<table border="1" cellspacing="0" cellpadding="4" style="border-color:#999999">'


RENDER_CACHE_ENTRIES = 512


class CodeHighlighter(Protocol):
    def lookup(self, code: str, language: str, dark: bool) -> str | None:
        """The block as HTML, or None while it is being highlighted (shown plain meanwhile)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    code_blocks: tuple[str, ...]
    pending: int = 0  # code blocks shown plain until the highlighter has them


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
    dark = bool(options.get("dark"))
    background = "#272822" if dark else "#f6f8fa"
    foreground = "#f8f8f2" if dark else "#24292e"
    label = html.escape(language or "text")
    header = (
        f'<p style="margin-top:6px; margin-bottom:0px; font-size:small; color:#888888">{label}'
        f' &nbsp;<a href="{COPY_CODE_SCHEME}/{index}">Copy</a></p>'
    )
    highlighter: CodeHighlighter | None = env.get("highlighter")
    body = highlighter.lookup(code, language, dark) if highlighter and language else None
    if body is None:
        body = html.escape(code, quote=False)
        if highlighter and language:
            env["pending"] = env.get("pending", 0) + 1
    return (
        f'{header}<pre style="background-color:{background}; color:{foreground}; '
        f'margin-top:2px; padding:6px">{body}</pre>'
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


_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def _math_as_code(text: str) -> str:
    """LaTeX stays readable: $$…$$ becomes a "math" code block, $…$ inline code.
    Code blocks are left alone, and "$5 and $6" (money) does not match."""
    if "$" not in text:
        return text
    out: list[str] = []
    chunk: list[str] = []
    in_fence = False

    def flush() -> None:
        if chunk:
            joined = "\n".join(chunk)
            joined = _DISPLAY_MATH.sub(lambda m: f"\n```math\n{m.group(1).strip()}\n```\n", joined)
            joined = _INLINE_MATH.sub(lambda m: f"`{m.group(1)}`", joined)
            out.append(joined)
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
    tokens = md.parse(_math_as_code(text), env)
    _mark_tasks(tokens)
    body = md.renderer.render(tokens, md.options, env)
    # QTextDocument draws no table borders unless asked in attributes.
    body = body.replace("<table>", _TABLE_OPEN)
    rendered = Rendered(body, tuple(env.get("code_blocks", ())), env.get("pending", 0))
    if not rendered.pending:
        _rendered[key] = rendered
        while len(_rendered) > RENDER_CACHE_ENTRIES:
            _rendered.popitem(last=False)
    return rendered
