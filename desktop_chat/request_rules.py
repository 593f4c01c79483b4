"""Which parameters a request to a given model may carry: one place, not ifs around the code.

OpenAI's reasoning models (o1, o3, o4-mini, gpt-5 and their variants) refuse `max_tokens`
("Use 'max_completion_tokens' instead") and any non-default temperature/top_p/penalties; the
gpt-5 family and o3 refuse `stop` too. Other servers are not guessed at: they keep getting
`max_tokens` (some llama.cpp and vLLM versions ignore `max_completion_tokens` and run
unbounded), and when one answers 400 naming a parameter, the client retries once without it
(or with the named replacement) and remembers that for the model (`Refusals`).
No Qt, no openai.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SAMPLING = ("temperature", "top_p", "presence_penalty", "frequency_penalty")
_REASONING = re.compile(r"^(?:[\w.-]+/)?(?:o\d+(?:-[\w.-]+)?|gpt-5(?:[\w.-]*)?)$", re.IGNORECASE)
_REFUSES_STOP = re.compile(r"^(?:[\w.-]+/)?(?:o3(?:-[\w.-]+)?|gpt-5(?:[\w.-]*)?)$", re.IGNORECASE)
_UNSUPPORTED_PARAMETER = re.compile(
    r"Unsupported parameter: '(?P<name>\w+)'(?:.*?Use '(?P<instead>\w+)' instead)?", re.DOTALL
)
_UNSUPPORTED_VALUE = re.compile(
    r"Unsupported value: '(?P<name>\w+)'|Unrecognized request arguments? supplied: (?P<arg>\w+)"
)
TITLE_TOKENS_FOR_REASONING = 2000  # reasoning eats tokens before the first word of a title


def is_reasoning_model(model: str) -> bool:
    """A known OpenAI reasoning family (also behind a `vendor/` prefix, e.g. OpenRouter's)."""
    return bool(_REASONING.match(model.strip()))


@dataclass(frozen=True, slots=True)
class Refusal:
    """A parameter the server refused for a model: dropped, or sent under another name."""

    name: str
    instead: str | None = None

    def describe(self, model: str) -> str:
        if self.instead:
            return f"{model} takes {self.instead} instead of {self.name}: sent that way now."
        return f"{model} does not accept {self.name}: it is no longer sent to this model."


def refusal_in(message: str) -> Refusal | None:
    """The parameter a 400's message names as unsupported, if it names one."""
    if match := _UNSUPPORTED_PARAMETER.search(message):
        return Refusal(match["name"], match["instead"])
    if match := _UNSUPPORTED_VALUE.search(message):
        return Refusal(match["name"] or match["arg"])
    return None


@dataclass(slots=True)
class Refusals:
    """What each model's server refused, remembered for the client's life (one profile)."""

    by_model: dict[str, dict[str, Refusal]] = field(default_factory=dict)

    def remember(self, model: str, refusal: Refusal) -> bool:
        """True when this is new (so the user is told once)."""
        known = self.by_model.setdefault(model, {})
        if refusal.name in known:
            return False
        known[refusal.name] = refusal
        return True

    def apply(self, model: str, body: dict[str, Any]) -> dict[str, Any]:
        for refusal in self.by_model.get(model, {}).values():
            if refusal.name in body:
                value = body.pop(refusal.name)
                if refusal.instead and refusal.instead not in body:
                    body[refusal.instead] = value
        return body


def fit_request(
    model: str, body: dict[str, Any], official: bool, refusals: Refusals | None = None
) -> dict[str, Any]:
    """The request body this model accepts: a new dict, `body` is left as it was."""
    fitted = dict(body)
    if is_reasoning_model(model):
        for name in SAMPLING:
            fitted.pop(name, None)  # only the default is accepted: not sending it is that
        if _REFUSES_STOP.match(model.strip()):
            fitted.pop("stop", None)
        if official and "max_tokens" in fitted:
            fitted["max_completion_tokens"] = fitted.pop("max_tokens")
    elif official:
        fitted.pop("reasoning_effort", None)  # OpenAI's other models refuse it
    if refusals is not None:
        refusals.apply(model, fitted)
    return fitted


def sends_reasoning_back(model: str) -> bool:
    """DeepSeek's thinking mode requires the assistant's `reasoning_content` to come back with
    its tool calls (400 otherwise); every other server refuses or ignores the field."""
    return "deepseek" in model.lower()


def not_applicable_reason(model: str, parameter: str) -> str | None:
    """Why the parameters panel greys `parameter` out for `model`, or None if it applies."""
    if not is_reasoning_model(model):
        if parameter == "reasoning_effort" and model.lower().startswith(("gpt-", "chatgpt")):
            return f"{model} is not a reasoning model."
        return None
    if parameter in SAMPLING:
        return f"{model} is a reasoning model: it only accepts the default {parameter}."
    if parameter == "stop" and _REFUSES_STOP.match(model.strip()):
        return f"{model} does not accept stop sequences."
    return None
