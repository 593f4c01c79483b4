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
# o1-mini and o1-preview take neither `system` nor `developer` messages.
_NO_SYSTEM_MESSAGE = re.compile(r"^(?:[\w.-]+/)?o1-(?:mini|preview)(?:-[\w.-]+)?$", re.IGNORECASE)
# deepseek-reasoner refuses two user (or two assistant) messages in a row.
_NO_SUCCESSIVE_ROLES = re.compile(r"^(?:[\w.-]+/)?deepseek-reasoner\b", re.IGNORECASE)
_SUCCESSIVE_REFUSED = re.compile(r"successive (?:user or assistant )?messages|interleave", re.I)
_JSON_OBJECT_REFUSED = re.compile(r"response_format.*json_schema", re.IGNORECASE | re.DOTALL)
_RESPONSES_ONLY = re.compile(r"v1/responses|Responses API", re.IGNORECASE)
# LM Studio takes `json_schema` or `text` only: a schema that allows any object is json mode.
PERMISSIVE_JSON_SCHEMA = {
    "type": "json_schema",
    "json_schema": {"name": "answer", "schema": {"type": "object"}},
}
SUCCESSIVE_ROLES = "successive messages of one role"  # a Refusal's name: not a parameter
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
        if self.name == SUCCESSIVE_ROLES:
            return (
                f"{model} takes no two messages of one role in a row: such messages are "
                "joined into one before sending."
            )
        if self.name == "response_format":
            return f"{model} takes JSON mode as a JSON schema: sent that way now."
        if self.instead:
            return f"{model} takes {self.instead} instead of {self.name}: sent that way now."
        return f"{model} does not accept {self.name}: it is no longer sent to this model."


def refusal_in(message: str) -> Refusal | None:
    """The parameter a 400's message names as unsupported, if it names one."""
    if _SUCCESSIVE_REFUSED.search(message):
        return Refusal(SUCCESSIVE_ROLES)
    if _JSON_OBJECT_REFUSED.search(message):
        return Refusal("response_format")
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
            if refusal.name == SUCCESSIVE_ROLES and "messages" in body:
                body["messages"] = merge_successive_roles(body["messages"])
            elif refusal.name == "response_format":
                if body.get("response_format") == {"type": "json_object"}:
                    body["response_format"] = PERMISSIVE_JSON_SCHEMA
            elif refusal.name in body:
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
    if "messages" in fitted:
        if _NO_SYSTEM_MESSAGE.match(model.strip()):
            fitted["messages"] = fold_system_message(fitted["messages"])
        if _NO_SUCCESSIVE_ROLES.match(model.strip()):
            fitted["messages"] = merge_successive_roles(fitted["messages"])
    if refusals is not None:
        refusals.apply(model, fitted)
    return fitted


def refused_by_body(refusal: Refusal, body: dict[str, Any]) -> bool:
    """True when `refusal` concerns something this body carries (so a retry can differ)."""
    if refusal.name == SUCCESSIVE_ROLES:
        messages = body.get("messages") or []
        return merge_successive_roles(messages) != messages
    if refusal.name == "response_format":
        return body.get("response_format") == {"type": "json_object"}
    return refusal.name in body


def is_responses_only_refusal(message: str) -> bool:
    """The server says this model works only through the Responses API (o1-pro, o3-pro)."""
    return bool(_RESPONSES_ONLY.search(message))


def folds_system_message(model: str) -> bool:
    return bool(_NO_SYSTEM_MESSAGE.match(model.strip()))


def fold_system_message(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The system message's text put at the head of the first user message instead."""
    system = [m for m in messages if m.get("role") in ("system", "developer")]
    rest = [dict(m) for m in messages if m.get("role") not in ("system", "developer")]
    text = "\n\n".join(_text_of(m.get("content")) for m in system).strip()
    if not text:
        return rest
    for message in rest:
        if message.get("role") == "user":
            message["content"] = _joined(text, message.get("content"))
            break
    else:
        rest.insert(0, {"role": "user", "content": text})
    return rest


def merge_successive_roles(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two user (or two assistant) messages in a row become one, their texts joined."""
    merged: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role")
        if merged and role in ("user", "assistant") and merged[-1].get("role") == role:
            joined = _joined(merged[-1].get("content"), message.get("content"))
            merged[-1] = {**merged[-1], "content": joined}
        else:
            merged.append(dict(message))
    return merged


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _parts(content: Any) -> list[Any]:
    if isinstance(content, list):
        return list(content)
    return [{"type": "text", "text": content}] if content else []


def _joined(first: Any, second: Any) -> Any:
    """Two message contents as one: text joined by a blank line; content parts concatenated."""
    if isinstance(first, list) or isinstance(second, list):
        return _parts(first) + _parts(second)
    return "\n\n".join(text for text in (first or "", second or "") if text)


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
    if parameter == "system_prompt" and folds_system_message(model):
        return f"{model} takes no system message: it is sent at the start of the first message."
    return None
