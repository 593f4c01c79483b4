"""`desktop_chat.api.classify` and `redact` against the SDK's real exception classes.

The exceptions are built as the SDK builds them: around a real `httpx2.Request`/`Response`,
with `body` set to the inner ``{"message", "type", "param", "code"}`` object. One test lets the
SDK itself raise them from a `httpx2.MockTransport`, to keep that construction honest.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai
import pytest

from desktop_chat.api import ProviderConfig, classify, no_key_error, redact
from desktop_chat.domain import ChatError, ErrorKind

URL = "https://api.openai.com/v1/chat/completions"
KEY = "sk-proj-Ab3_dE-f9GhIjKlMnOpQrStUvWxYz0123456789"
MASKED = "sk-proj-" + "*" * 36 + KEY[-4:]


def request() -> httpx2.Request:
    return httpx2.Request("POST", URL, headers={"Authorization": f"Bearer {KEY}"})


def error_object(message: str) -> dict[str, Any]:
    return {"message": message, "type": "invalid_request_error", "param": None, "code": None}


STATUS_CLASSES: dict[int, type[openai.APIStatusError]] = {
    400: openai.BadRequestError,
    401: openai.AuthenticationError,
    403: openai.PermissionDeniedError,
    404: openai.NotFoundError,
    409: openai.ConflictError,
    422: openai.UnprocessableEntityError,
    429: openai.RateLimitError,
    500: openai.InternalServerError,
    502: openai.InternalServerError,
    503: openai.InternalServerError,
}


def status_error(status: int, message: str = "Something went wrong.") -> openai.APIStatusError:
    """What the SDK raises for an HTTP error response (see OpenAI._make_status_error)."""
    inner = error_object(message)
    response = httpx2.Response(
        status, request=request(), json={"error": inner}, headers={"x-request-id": "req_1"}
    )
    cls = STATUS_CLASSES.get(status, openai.APIStatusError)
    return cls(f"Error code: {status} - {message}", response=response, body=inner)


def assert_plain(error: ChatError, *secrets: str) -> None:
    assert error.message.strip()
    assert error.hint.strip(), f"no hint for {error.kind}"
    assert str(error) == f"{error.message} {error.hint}"
    for secret in secrets:
        assert secret not in str(error)


# --- redact ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Incorrect API key provided: sk-abc123def456ghi789.",
        f"Incorrect API key provided: {KEY}.",
        f"Incorrect API key provided: {MASKED}. You can find your API key at https://x.",
        "key=sk-svcacct-Zz_9-Yy8; retry",
        "Bearer sk-admin-0000aaaa1111bbbb",
        "(sk-or-v1-0123456789abcdef)",
    ],
)
def test_redact_removes_anything_shaped_like_a_key(text: str) -> None:
    redacted = redact(text, None)

    assert "sk-…[redacted]" in redacted
    assert "abc123" not in redacted
    assert "Ab3_dE" not in redacted
    assert KEY[-4:] not in redacted
    assert "Zz_9" not in redacted
    assert "0000aaaa" not in redacted
    assert "0123456789abcdef" not in redacted


def test_redact_removes_the_exact_key_even_when_it_is_not_sk_shaped() -> None:
    azure_key = "0123456789abcdef0123456789abcdef"

    redacted = redact(f"Access denied for key {azure_key} (again: {azure_key})", azure_key)

    assert azure_key not in redacted
    assert redacted == "Access denied for key [redacted] (again: [redacted])"


@pytest.mark.parametrize(
    "text",
    [
        "Rate limit reached for gpt-4 in organization org-AbC123 on tokens per min.",
        "The disk-space task-force met; sk- alone and sk-ab are too short to be keys.",
        "",
    ],
)
def test_redact_leaves_other_text_alone(text: str) -> None:
    assert redact(text, KEY) == text


# --- classify: HTTP statuses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "retryable", "words"),
    [
        (400, ErrorKind.BAD_REQUEST, True, "refused the request (400)"),
        (401, ErrorKind.AUTHENTICATION, False, "rejected the API key (401)"),
        (403, ErrorKind.PERMISSION, False, "not allowed"),
        (404, ErrorKind.MODEL_NOT_FOUND, True, "does not know this model"),
        (409, ErrorKind.UNKNOWN, True, "answered with an error (409)"),
        (418, ErrorKind.UNKNOWN, True, "answered with an error (418)"),
        (422, ErrorKind.BAD_REQUEST, True, "refused the request (422)"),
        (429, ErrorKind.RATE_LIMITED, True, "Rate limit"),
        (500, ErrorKind.SERVER, True, "had a problem (500)"),
        (502, ErrorKind.SERVER, True, "had a problem (502)"),
        (503, ErrorKind.SERVER, True, "had a problem (503)"),
    ],
)
def test_each_status_maps_to_its_kind_with_a_hint_and_without_the_key(
    status: int, kind: ErrorKind, retryable: bool, words: str
) -> None:
    sdk_error = status_error(status, f"Incorrect API key provided: {KEY} ({MASKED}).")

    error = classify(sdk_error, KEY)

    assert error.kind is kind
    assert error.status_code == status
    assert error.retryable is retryable
    assert words in error.message
    assert "The server said: Incorrect API key provided: " in error.message
    assert_plain(error, KEY, KEY[-12:], KEY[-4:])


def test_the_hint_says_what_to_do() -> None:
    assert "OPENAI_API_KEY" in classify(status_error(401), KEY).hint
    assert "model" in classify(status_error(404), KEY).hint.lower()
    assert "/v1" in classify(status_error(404), KEY).hint
    assert "retry" in classify(status_error(429), KEY).hint.lower()
    assert "retry" in classify(status_error(503), KEY).hint.lower()
    assert "temperature" in classify(status_error(400), KEY).hint


def test_a_body_that_is_not_json_is_not_shown() -> None:
    # A proxy's HTML page could echo anything, headers included: it is never shown.
    response = httpx2.Response(502, request=request(), text=f"<html>Bearer {KEY}</html>")
    sdk_error = openai.InternalServerError("Error code: 502", response=response, body=response.text)

    error = classify(sdk_error, None)

    assert error.kind is ErrorKind.SERVER
    assert "The server said" not in error.message
    assert_plain(error, KEY, KEY[-12:])


def test_an_outer_error_object_is_read_too() -> None:
    inner = error_object(f"Invalid key {KEY}")
    response = httpx2.Response(401, request=request(), json={"error": inner})
    sdk_error = openai.AuthenticationError(
        "Error code: 401", response=response, body={"error": inner}
    )

    error = classify(sdk_error, KEY)

    assert "The server said: Invalid key [redacted]" in error.message
    assert_plain(error, KEY)


@pytest.mark.parametrize("status", sorted(STATUS_CLASSES))
def test_the_sdk_raises_what_these_tests_construct(status: int) -> None:
    """The SDK itself, fed the same HTTP response, raises the same class with the same body."""
    message = f"Incorrect API key provided: {MASKED}."

    def handler(sent: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, json={"error": error_object(message)})

    client = openai.OpenAI(
        api_key=KEY,
        base_url="https://api.openai.com/v1",
        max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    with client, pytest.raises(openai.APIStatusError) as raised:
        client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": "x"}])

    constructed = status_error(status, message)
    assert type(raised.value) is type(constructed)
    assert raised.value.body == constructed.body
    assert classify(raised.value, KEY) == classify(constructed, KEY)


# --- classify: transport and protocol failures ------------------------------------------------


def test_timeout() -> None:
    error = classify(openai.APITimeoutError(request=request()), KEY)

    assert error.kind is ErrorKind.TIMEOUT
    assert error.status_code is None
    assert_plain(error, KEY)


def test_a_timeout_mid_stream_says_the_server_stopped_sending() -> None:
    sdk_error = openai.APITimeoutError(request=request())

    before = classify(sdk_error, KEY, timeout_seconds=60.0)
    during = classify(sdk_error, KEY, mid_stream=True, timeout_seconds=2.5)

    assert before.kind is during.kind is ErrorKind.TIMEOUT
    assert before.message == "The server took too long to answer (no data for 60 s)."
    assert during.message == "The server stopped sending (no data for 2.5 s)."
    assert "partial answer is kept" in during.hint
    assert_plain(during, KEY)


def test_connection_error_before_and_during_the_stream() -> None:
    sdk_error = openai.APIConnectionError(request=request())

    before = classify(sdk_error, KEY)
    during = classify(sdk_error, KEY, mid_stream=True)

    assert before.kind is ErrorKind.CONNECTION
    assert "connect" in before.message.lower()
    assert during.kind is ErrorKind.STREAM_DROPPED
    assert "partial answer is kept" in during.hint
    assert_plain(before, KEY)
    assert_plain(during, KEY)


@pytest.mark.parametrize(
    "transport_error",
    [
        httpx2.RemoteProtocolError("peer closed connection without sending complete message body"),
        httpx2.ReadError("connection reset"),
        ConnectionResetError(104, "Connection reset by peer"),
    ],
    ids=["RemoteProtocolError", "ReadError", "ConnectionResetError"],
)
def test_a_transport_error_mid_stream_is_a_dropped_stream(transport_error: Exception) -> None:
    error = classify(transport_error, KEY, mid_stream=True)

    assert error.kind is ErrorKind.STREAM_DROPPED
    assert_plain(error, KEY)


def test_malformed_stream_data() -> None:
    try:
        json.loads("{not json")
    except json.JSONDecodeError as decode_error:
        from_json = classify(decode_error, KEY, mid_stream=True)
    response = httpx2.Response(200, request=request(), text="[]")
    invalid = openai.APIResponseValidationError(response, body=[])
    from_validation = classify(invalid, KEY)

    assert from_json.kind is ErrorKind.MALFORMED
    assert from_validation.kind is ErrorKind.MALFORMED
    assert "/v1" in from_json.hint
    assert_plain(from_json, KEY)
    assert_plain(from_validation, KEY)


def test_an_api_error_event_in_the_stream() -> None:
    # The SDK raises a bare APIError for an SSE `error` event in the middle of a stream.
    sdk_error = openai.APIError(
        f"The model crashed (key {KEY})",
        request(),
        body={"message": f"The model crashed (key {KEY})", "type": "server_error"},
    )

    during = classify(sdk_error, KEY, mid_stream=True)
    before = classify(sdk_error, KEY)

    assert during.kind is ErrorKind.SERVER
    assert before.kind is ErrorKind.UNKNOWN
    assert "The server said: The model crashed (key [redacted])" in during.message
    assert_plain(during, KEY)
    assert_plain(before, KEY)


def test_an_unexpected_error_names_only_its_type() -> None:
    error = classify(ValueError(f"something odd with {KEY}"), KEY)

    assert error.kind is ErrorKind.UNKNOWN
    assert error.message == "Unexpected error: ValueError."
    assert_plain(error, KEY)


def test_no_key_error_points_to_the_ways_of_giving_one() -> None:
    error = no_key_error(ProviderConfig(profile="Work"))

    assert error.kind is ErrorKind.NO_API_KEY
    assert "Work" in error.message
    for way in ("desktop-chat key set", "OPENAI_API_KEY", "Settings"):
        assert way in error.hint
    assert_plain(error)


def test_the_config_repr_never_shows_the_key() -> None:
    assert KEY not in repr(ProviderConfig(api_key=KEY))
