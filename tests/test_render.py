"""Markdown rendering: what shows, and what must never be interpreted, loaded or run."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication

from desktop_chat.domain import Message, MessageStatus, Role, utc_now
from desktop_chat.highlight import highlight_now
from desktop_chat.render import is_safe_link, render_markdown
from desktop_chat.ui.message_view import MessageView


def answer(text: str, status: MessageStatus = MessageStatus.COMPLETE) -> Message:
    return Message("a1", "c1", None, Role.ASSISTANT, text, utc_now(), status=status)


def test_markdown_elements_render():
    rendered = render_markdown(
        "# Title\n\n**bold** *it* ~~gone~~ `code`\n\n> quote\n\n1. one\n2. two\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] todo\n- [x] done\n"
    )
    html = rendered.html
    for fragment in (
        "<h1>",
        "<strong>bold</strong>",
        "<em>it</em>",
        "<s>gone</s>",
        "<code",
        "<blockquote>",
        "<ol>",
        "<table ",
        "☐ todo",
        "☑ done",
    ):
        assert fragment in html, fragment


def test_raw_html_and_script_are_text_not_markup():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(2)">').html
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](file:///etc/passwd)",
        "[x](data:text/html,hi)",
        "[x](vbscript:msgbox)",
    ],
)
def test_dangerous_links_are_not_links(source):
    assert "<a " not in render_markdown(source).html


def test_safe_links_stay_links():
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2">'
        in render_markdown("[x](https://example.org/a?b=1&c=2)").html
    )
    assert is_safe_link("mailto:a@b.c") and not is_safe_link("javascript:alert(1)")


def test_images_become_links_and_local_images_plain_text():
    html = render_markdown("![cat](https://example.org/cat.png) ![pw](file:///etc/passwd)").html
    assert "<img" not in html
    assert '<a href="https://example.org/cat.png">[image: cat]</a>' in html
    # markdown-it refuses file: targets outright, so that one stays literal text.
    assert 'href="file:' not in html and "![pw](file:///etc/passwd)" in html


class InProcessHighlighter:
    """Pygments right here: fine for a known-good block in a test, never in the app."""

    def lookup(self, code: str, language: str, dark: bool) -> str | None:
        return highlight_now(code, language, dark)


def test_code_blocks_are_highlighted_labelled_and_collected():
    rendered = render_markdown(
        "```python\nprint('hi')\n```\n\n```\nplain <b>\n```", highlighter=InProcessHighlighter()
    )
    assert rendered.code_blocks == ("print('hi')", "plain <b>")
    assert "python" in rendered.html and "span style" in rendered.html
    assert "plain &lt;b&gt;" in rendered.html
    assert rendered.html.count("action:copycode/") == 2


def test_view_loads_no_image_even_from_a_local_server(qtbot, fake_openai):
    view = MessageView()
    qtbot.addWidget(view)
    url = f"{fake_openai.root_url}/pixel.png"
    view.show_conversation([answer(f"![x]({url}) and <img src='{url}'>")])
    view.resize(600, 400)
    view.show()
    qtbot.wait(300)
    assert fake_openai.requests == []
    assert view.loadResource(2, QUrl(url)) is None


def test_copy_code_link_copies_the_block(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation([answer("Try:\n\n```bash\necho hello\n```\n")])
    with qtbot.waitSignal(view.code_copied, timeout=1000) as copied:
        view.anchorClicked.emit(QUrl("action:copycode/a1:0"))
    assert copied.args == ["echo hello"]
    assert QGuiApplication.clipboard().text() == "echo hello"


def test_streaming_answer_is_plain_text_until_finished(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation([])
    view.begin_stream(answer("", MessageStatus.STREAMING))
    view.append_delta("```python\nunfinished **fence**")
    assert "```python" in view.toPlainText()
    view.show_conversation([answer("```python\nfinished\n```")])
    assert "```" not in view.toPlainText() and "finished" in view.toPlainText()


def test_latex_is_set_apart_for_typesetting_and_money_is_left_alone():
    rendered = render_markdown("Area $\\pi r^2$ costs $5 and $6.\n\n$$\n\\int_0^1 x\\,dx\n$$")
    assert set(rendered.formulas) == {("\\pi r^2", False), ("\\int_0^1 x\\,dx", True)}
    assert rendered.html.count('<img src="math:') == 2  # the view typesets them (test_look_math)
    assert "$5 and $6" in rendered.html


def test_code_fences_keep_their_dollars():
    rendered = render_markdown("```bash\necho $HOME $x$\n```")
    assert rendered.code_blocks == ("echo $HOME $x$",)


def test_zoom_changes_the_view_font_and_keeps_the_text(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation([answer("**zoomed** text")])
    before = view.document().defaultFont().pointSizeF()
    view.set_zoom(3)
    assert view.document().defaultFont().pointSizeF() == before + 3
    assert "zoomed text" in view.toPlainText()
    view.set_zoom(0)
    assert view.document().defaultFont().pointSizeF() == before


def test_dark_theme_uses_dark_code_colours(qtbot):
    from desktop_chat.ui.theme import apply_theme, is_dark

    view = MessageView()
    qtbot.addWidget(view)
    try:
        apply_theme("dark")
        assert is_dark()
        view.show_conversation([answer("```python\nx = 1\n```")])
        assert "#272822" in view.toHtml().lower() or "272822" in view.toHtml().lower()
    finally:
        apply_theme("system")
    assert not is_dark()


def test_notices_stay_readable_in_the_dark_theme(qtbot):
    """Error and warning notices pick dark-background colours in the dark theme (pale boxes
    with dark text would glare there), and the light ones otherwise."""
    from desktop_chat.ui.notice import Notice
    from desktop_chat.ui.theme import apply_theme

    notice = Notice("testNotice")
    qtbot.addWidget(notice)
    notice.show_message("Something failed.", "error")
    assert "#fdecea" in notice.styleSheet()  # light: the pale red box
    try:
        apply_theme("dark")
        notice.show_message("Something failed.", "error")
        style = notice.styleSheet()
        assert "#3b1f1d" in style and "#f4bcb6" in style
        assert "#fdecea" not in style
    finally:
        apply_theme("system")
