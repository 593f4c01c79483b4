"""Cost per answer from the dated price table and the user's overrides; no price, no cost."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from desktop_chat.domain import Message, Role, Usage, utc_now
from desktop_chat.pricing import DEFAULT_PRICES, PRICES_AS_OF, cost, format_cost, price_table
from desktop_chat.ui.conversation_tab import ConversationTab
from desktop_chat.ui.message_view import MessageView


def answer(model: str | None, usage: Usage | None) -> Message:
    return Message("a", "c", "u", Role.ASSISTANT, "text", utc_now(), model=model, usage=usage)


# --- arithmetic ---------------------------------------------------------------------------------


def test_gpt4_with_1000_prompt_and_500_completion_tokens_costs_six_cents():
    assert cost("gpt-4", Usage(1_000, 500), price_table()) == pytest.approx(0.06)


def test_the_table_is_dated_and_in_dollars_per_million_tokens():
    assert PRICES_AS_OF
    assert cost("gpt-3.5-turbo", Usage(1_000_000, 1_000_000), price_table()) == pytest.approx(
        DEFAULT_PRICES["gpt-3.5-turbo"][0] + DEFAULT_PRICES["gpt-3.5-turbo"][1]
    )


def test_estimated_usage_is_priced_the_same_way():
    assert cost("gpt-4", Usage(1_000, 500, estimated=True), price_table()) == pytest.approx(0.06)


@pytest.mark.parametrize(
    ("model", "usage"),
    [("my-local-llama", Usage(10, 10)), (None, Usage(10, 10)), ("gpt-4", None)],
    ids=["unknown model", "no model", "no usage"],
)
def test_no_price_means_no_cost(model, usage):
    assert cost(model, usage, price_table()) is None


def test_user_overrides_add_change_and_remove_models():
    table = price_table({"my-model": [1, 2], "gpt-4": [3, 4.5], "gpt-3.5-turbo": None})
    assert table["my-model"] == (1.0, 2.0)
    assert cost("my-model", Usage(1_000_000, 1_000_000), table) == pytest.approx(3.0)
    assert cost("my-model", Usage(500, 250), table) == pytest.approx(0.001)
    assert cost("gpt-4", Usage(1_000_000, 1_000_000), table) == pytest.approx(7.5)
    assert "gpt-3.5-turbo" not in table
    assert cost("gpt-3.5-turbo", Usage(1_000, 1_000), table) is None
    assert price_table({"not-there": None}) == price_table()  # removing the unknown: no-op
    assert price_table() == DEFAULT_PRICES and price_table() is not DEFAULT_PRICES


@pytest.mark.parametrize(
    "bad",
    [[1], [1, 2, 3], ["1", "2"], [-1, 2], [1, None], "cheap", 5, {"in": 1, "out": 2}],
)
def test_malformed_overrides_are_ignored(bad):
    table = price_table({"gpt-4": bad, "new-model": bad})
    assert "new-model" not in table
    assert table["gpt-4"] == DEFAULT_PRICES["gpt-4"]


def test_overrides_do_not_change_the_shipped_table():
    price_table({"gpt-4": None, "x": [1, 1]})
    assert "gpt-4" in DEFAULT_PRICES and "x" not in DEFAULT_PRICES


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.06, "$0.0600"), (0.000123, "$0.0001"), (0, "$0.0000"), (1, "$1.00"), (12.345, "$12.35")],
)
def test_format_cost(value, text):
    assert format_cost(value) == text


# --- shown in the message header and in the totals ----------------------------------------------


def test_the_header_shows_the_cost_only_for_a_priced_model(qtbot):
    view = MessageView()
    qtbot.addWidget(view)
    usage = Usage(1_000, 500, first_token_ms=250, duration_ms=1_250)
    assert view.usage_text(answer("gpt-4", usage)) == (
        "1,000 + 500 tokens · 0.25 s to first token · 500 tok/s · $0.0600"
    )
    assert "$" not in view.usage_text(answer("my-model", usage))
    view.prices = price_table({"my-model": [1, 2]})
    assert view.usage_text(answer("my-model", usage)).endswith("· $0.0020")
    view.prices = price_table({"gpt-4": None})
    assert "$" not in view.usage_text(answer("gpt-4", usage))
    view.prices = price_table({"my-model": [1, 2]})
    estimated = Usage(1_000, 500, estimated=True)
    assert view.usage_text(answer("my-model", estimated)) == "≈1,000 + ≈500 tokens · ≈$0.0020"


@pytest.fixture
def tab_for(qtbot, controller):
    made: list[ConversationTab] = []

    def make(model: str) -> ConversationTab:
        tab = ConversationTab(controller.store.create_conversation(model=model), controller)
        qtbot.addWidget(tab)
        tab.show()  # a tab lays itself out (and its totals) when first shown
        qtbot.waitExposed(tab)
        made.append(tab)
        return tab

    yield make
    for tab in made:
        tab.close()
        tab.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def send(qtbot, tab: ConversationTab, text: str) -> Message:
    tab.composer.setPlainText(text)
    tab.send()
    qtbot.waitUntil(lambda: not tab.is_streaming, timeout=10_000)
    last = tab.controller.store.get_conversation(tab.conversation_id).messages[-1]
    assert last.role is Role.ASSISTANT and last.usage is not None
    return last


def test_totals_show_tokens_only_for_an_unknown_model(qtbot, tab_for, fake_openai):
    tab = tab_for("my-local-llama")
    first = send(qtbot, tab, "one")
    second = send(qtbot, tab, "two")
    tokens = first.usage.total_tokens + second.usage.total_tokens
    assert tab.totals.text() == f"Σ {tokens:,} tokens"
    assert "$" not in tab.message_view.toPlainText()


def test_totals_add_up_tokens_and_cost_of_the_answers(qtbot, tab_for, fake_openai):
    tab = tab_for("gpt-4")
    first = send(qtbot, tab, "one")
    second = send(qtbot, tab, "two")
    tokens = first.usage.total_tokens + second.usage.total_tokens
    total = sum(cost("gpt-4", m.usage, price_table()) for m in (first, second))
    assert tab.totals.text() == f"Σ {tokens:,} tokens · {format_cost(total)}"


def test_overridden_prices_reach_the_totals(qtbot, tab_for, fake_openai):
    tab = tab_for("my-local-llama")
    tab.message_view.prices = price_table({"my-local-llama": [1000, 2000]})
    message = send(qtbot, tab, "priced now")
    price = cost("my-local-llama", message.usage, tab.message_view.prices)
    assert price is not None and price > 0
    assert tab.totals.text().endswith(f"· {format_cost(price)}")
