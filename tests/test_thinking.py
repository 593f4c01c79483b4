"""A reasoning model's thinking (reasoning_content / reasoning deltas, a leading <think> block)
is kept apart from the answer: stored, exported, shown collapsed, never sent back (issue 12)."""

from __future__ import annotations

import json

import fake_openai as fake
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QUrl

from desktop_chat import exchange
from desktop_chat.domain import Message, MessageStatus, Role, utc_now
from desktop_chat.thinking import ThinkSplitter
from desktop_chat.ui.message_view import MessageView


def _split(chunks: list[str]) -> tuple[str, str]:
    """What a consumer keeps, dropping the answer so far when the splitter recasts it."""
    thought, answer, _recasts = _split_recast(chunks)
    return thought, answer


def test_a_leading_think_block_is_split_off_even_across_chunks():
    assert _split(["<thi", "nk>Let me ", "see.</th", "ink>\n\nFour."]) == ("Let me see.", "Four.")
    assert _split(["  <think>x</think>y"]) == ("x", "y")


def test_think_later_in_an_answer_is_answer_text():
    assert _split(["Use ", "<think> tags like this"]) == ("", "Use <think> tags like this")
    assert _split(["<b>bold</b>"]) == ("", "<b>bold</b>")


def test_an_unclosed_think_block_is_all_thinking():
    assert _split(["<think>still going"]) == ("still going", "")


@given(st.text(alphabet="<>/thinkabc \n", max_size=60), st.integers(1, 7))
def test_splitting_loses_no_text(text, size):
    chunks = [text[i : i + size] for i in range(0, len(text), size)] or [""]
    thought, answer = _split(chunks)
    whole = _split([text])
    assert (thought, answer) == whole  # however the stream is cut


def _sse(deltas: list[dict]) -> list[bytes]:
    return fake.sse_events(deltas, "deepseek-r1")


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_reasoning_deltas_are_stored_apart_and_never_sent_back(
    qtbot, controller, fake_openai, field
):
    fake_openai.script(
        fake.raw(_sse([{field: "Two and two "}, {field: "make four."}, {"content": "4"}])),
        fake.reply(["ok"]),
    )
    conversation = controller.store.create_conversation(model="deepseek-r1")
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.send(conversation.id, "2+2?")
    answer = finished.args[1]
    assert (answer.content, answer.reasoning) == ("4", "Two and two make four.")
    stored = controller.store.get_conversation(conversation.id).messages[-1]
    assert (stored.content, stored.reasoning) == ("4", "Two and two make four.")
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(conversation.id, "and 3+3?")
    sent = fake_openai.requests_to("/chat/completions")[-1].body["messages"]
    assert {"role": "assistant", "content": "4"} in sent
    assert "make four" not in json.dumps(sent)


def test_a_think_block_in_content_is_thinking_not_answer(qtbot, controller, fake_openai):
    fake_openai.script(fake.reply(["<think>", "hmm, ", "easy</think>", "\n\nFour."]))
    conversation = controller.store.create_conversation(model="qwen3:8b")
    with qtbot.waitSignal(controller.finished, timeout=10_000) as finished:
        controller.send(conversation.id, "2+2?")
    assert (finished.args[1].content, finished.args[1].reasoning) == ("Four.", "hmm, easy")


def test_thinking_is_exported_and_imported_and_old_exports_still_import(controller):
    store = controller.store
    conversation = store.create_conversation(model="o3-mini")
    user = store.add_message(conversation.id, None, Role.USER, "q")
    answer = store.add_message(conversation.id, user.id, Role.ASSISTANT, "a")
    store.update_message(answer.id, "a", MessageStatus.COMPLETE, reasoning="because")
    document = json.loads(exchange.to_json([store.get_conversation(conversation.id)]))
    exported = document["conversations"][0]["messages"]
    assert exported[1]["reasoning"] == "because" and "reasoning" not in exported[0]
    (parsed,) = exchange.parse(json.dumps(document))
    assert parsed.messages[1].reasoning == "because"
    del exported[1]["reasoning"]  # an export from before thinking existed
    (old,) = exchange.parse(json.dumps(document))
    assert old.messages[1].reasoning == ""
    markdown = exchange.to_markdown([store.get_conversation(conversation.id)])
    assert "<summary>Thinking</summary>" in markdown and "> because" in markdown


def test_the_view_shows_thinking_collapsed_and_expands_it(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    message = Message(
        "a1", "c1", None, Role.ASSISTANT, "Four.", utc_now(), reasoning="<b>two</b> and two"
    )
    view.show_conversation([message])
    assert "Thinking (3 words)" in view.toPlainText()
    assert "and two" not in view.toPlainText()
    view.anchorClicked.emit(QUrl("action:thinking/a1"))
    assert "<b>two</b> and two" in view.toPlainText()  # plain text, never markup
    assert view.toPlainText().index("and two") < view.toPlainText().index("Four.")
    view.anchorClicked.emit(QUrl("action:thinking/a1"))
    assert "and two" not in view.toPlainText()


def test_an_answer_lost_to_thinking_says_why(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    view.show_conversation(
        [Message("a1", "c1", None, Role.ASSISTANT, "", utc_now(), reasoning="long thoughts")]
    )
    assert "token limit" in view.toPlainText()


def test_ask_keeps_thinking_off_stdout_and_saves_it(tmp_path, fake_openai):
    from cli_helpers import AppProfile

    profile = AppProfile(tmp_path / "profile")
    env = {
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": "sk-test-thinking-0123456789",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    deltas = [{"reasoning_content": "pondering"}, {"content": "Four."}]
    fake_openai.script(fake.raw(_sse(deltas)), fake.raw(_sse(deltas)))
    quiet = profile.run("ask", "-m", "deepseek-r1", "2+2?", env=env)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == "Four.\n" and "pondering" not in quiet.stderr
    shown = profile.run("ask", "--show-thinking", "-m", "deepseek-r1", "2+2?", env=env)
    assert shown.stdout == "Four.\n" and "pondering" in shown.stderr
    with profile.store() as store:
        summary = store.list_conversations()[0]
        answer = store.get_conversation(summary.id).messages[-1]
    assert (answer.content, answer.reasoning) == ("Four.", "pondering")


# --- Qwen3's lone </think>, reasoning tokens ----------------------------------------------------


def _split_recast(chunks: list[str]) -> tuple[str, str, int]:
    """What a consumer keeps: on `recast` the answer so far is dropped."""
    splitter = ThinkSplitter()
    thought, answer, recasts = "", "", 0
    for chunk in chunks:
        t, a = splitter.feed(chunk)
        if splitter.recast:
            answer, recasts = "", recasts + 1
        thought, answer = thought + t, answer + a
    t, a = splitter.finish()
    return thought + t, answer + a, recasts


@pytest.mark.parametrize(
    "chunks",
    [
        ["Let me think. ", "Two and two.", "</think>", "\n\nFour."],
        ["Let me think. Two and two.</th", "ink>\n\nFo", "ur."],
        ["Let me think. Two and two.<", "/think>Four."],
    ],
)
def test_a_lone_closing_tag_turns_what_came_before_into_thinking(chunks):
    assert _split_recast(chunks) == ("Let me think. Two and two.", "Four.", 1)


def test_an_answer_about_the_tags_is_left_alone():
    chunks = ["Qwen wraps thinking in <think> and ", "</think> tags."]
    assert _split_recast(chunks) == ("", "".join(chunks), 0)


def test_a_closing_tag_deep_into_a_long_answer_is_answer_text():
    long = ["word " * 1000] * 25  # 125,000 characters
    thought, answer, recasts = _split_recast([*long, "</think>"])
    assert (thought, recasts) == ("", 0) and answer.endswith("</think>")


def test_qwen3_thinking_without_an_opening_tag_is_stored_apart(qtbot, controller, fake_openai):
    recast: list[str] = []
    controller.answer_recast.connect(recast.append)
    deltas = [{"content": "Okay, the user asks"}, {"content": " for 2+2.</think>"}]
    deltas.append({"content": "\n\n4"})
    usage = {
        "choices": [],
        "usage": {
            "prompt_tokens": 9,
            "completion_tokens": 40,
            "total_tokens": 49,
            "completion_tokens_details": {"reasoning_tokens": 35},
        },
    }
    fake_openai.script(fake.raw(fake.sse_events([*deltas, usage], "qwen3:8b")))
    conversation = controller.store.create_conversation(model="qwen3:8b")
    with qtbot.waitSignal(controller.finished, timeout=10_000):
        controller.send(conversation.id, "2+2?")
    answer = controller.store.get_conversation(conversation.id).messages[-1]
    assert (answer.content, answer.reasoning) == ("4", "Okay, the user asks for 2+2.")
    assert recast == [conversation.id]
    assert answer.usage is not None and answer.usage.reasoning_tokens == 35
    view = MessageView()
    qtbot.addWidget(view)
    assert "(35 thinking)" in view.usage_text(answer)
