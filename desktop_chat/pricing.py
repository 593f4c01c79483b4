"""Prices per model (USD per million tokens) and what an answer cost.

The shipped table is dated; the user can edit it (File → Prices…). A model that is not in
the table has no cost shown — never a guessed one.
"""

from __future__ import annotations

from collections.abc import Mapping

from desktop_chat.domain import Usage

PRICES_AS_OF = "2024-02-01"  # OpenAI's published prices for the models below, on that day

# model: (input, output) in USD per 1M tokens
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4": (30.00, 60.00),
    "gpt-4-32k": (60.00, 120.00),
    "gpt-4-turbo-preview": (10.00, 30.00),
    "gpt-4-0125-preview": (10.00, 30.00),
    "gpt-3.5-turbo": (0.50, 1.50),
    "gpt-3.5-turbo-0125": (0.50, 1.50),
    "gpt-3.5-turbo-instruct": (1.50, 2.00),
}


def price_table(overrides: Mapping[str, object] | None = None) -> dict[str, tuple[float, float]]:
    """The shipped prices with the user's edits on top (a null price removes a model)."""
    table = dict(DEFAULT_PRICES)
    for model, value in (overrides or {}).items():
        if value is None:
            table.pop(model, None)
        elif (
            isinstance(value, list | tuple)
            and len(value) == 2
            and all(isinstance(v, int | float) and v >= 0 for v in value)
        ):
            table[model] = (float(value[0]), float(value[1]))
    return table


def cost(
    model: str | None, usage: Usage | None, table: Mapping[str, tuple[float, float]]
) -> float | None:
    if model is None or usage is None or model not in table:
        return None
    price_in, price_out = table[model]
    return (usage.prompt_tokens * price_in + usage.completion_tokens * price_out) / 1_000_000


def format_cost(value: float) -> str:
    return f"${value:.4f}" if value < 1 else f"${value:.2f}"
