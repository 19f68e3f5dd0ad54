"""Unit tests of the HTTP core's helpers (shapes a real agent rarely produces)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aiohttp
import pytest

from custom_components.unraid_management_agent.api import (
    UnraidApiError,
    UnraidAuthenticationError,
    UnraidClient,
    UnraidNotFoundError,
    UnraidRateLimitedError,
    UnraidRequestError,
    UnraidServerError,
)
from custom_components.unraid_management_agent.api._http import (
    _raise_for_status,
    _retry_after,
    error_message,
)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # 1. dto.Response with success:false
        (
            b'{"success":false,"message":"Container not found: plex","timestamp":"t"}\n',
            "Container not found: plex",
        ),
        # user scripts: empty message, text in "error"
        (
            b'{"success":false,"message":"","error":"Script not found: x"}',
            "Script not found: x",
        ),
        # 2. {"error": ...}
        (b'{"error":"Unauthorized"}\n', "Unauthorized"),
        # 3. {"message": ...}
        (
            b'{"message":"Notification created successfully"}',
            "Notification created successfully",
        ),
        # 4. plain text
        (b"404 page not found\n", "404 page not found"),
        (b"Too Many Requests\n", "Too Many Requests"),
        (b"", ""),
        (b"  \n", ""),
        # odd ones
        (b'{"success":false}', ""),
        (b'{"message":5,"error":["x"]}', ""),
        (b'["a list"]', '["a list"]'),
        (b'"a string"', '"a string"'),
        (b"\xff\xfeoops", "\ufffd\ufffdoops"),
        (b'{"message":NaN}', ""),
        (b"[" * 20_000 + b"]" * 20_000, "[" * 20_000 + "]" * 20_000),
    ],
)
def test_error_message(body: bytes, message: str) -> None:
    """The agent's text is found in each of its four error shapes."""
    assert error_message(body) == message


def test_retry_after_seconds_and_dates() -> None:
    """Seconds or an HTTP date; past dates, junk and non-finite values handled."""
    assert _retry_after(None) is None
    assert _retry_after("") is None
    assert _retry_after("3") == 3.0
    assert _retry_after("0.5") == 0.5
    assert _retry_after("-4") == 0.0
    assert _retry_after("inf") is None
    assert _retry_after("-inf") is None
    assert _retry_after("nan") is None
    assert _retry_after("soon") is None
    future = datetime.now(UTC) + timedelta(seconds=30)
    wait = _retry_after(format_datetime(future, usegmt=True))
    assert wait is not None and 25 < wait <= 30
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


@pytest.mark.parametrize(
    ("status", "exception"),
    [
        (400, UnraidRequestError),
        (401, UnraidAuthenticationError),
        (403, UnraidRequestError),
        (404, UnraidNotFoundError),
        (405, UnraidRequestError),
        (418, UnraidRequestError),
        (429, UnraidRateLimitedError),
        (500, UnraidServerError),
        (503, UnraidServerError),
    ],
)
def test_status_mapping(status: int, exception: type[UnraidApiError]) -> None:
    """Each error status maps to one exception class, message kept."""
    with pytest.raises(exception) as err:
        _raise_for_status(status, b'{"error":"why"}', {})
    assert type(err.value) is exception
    assert (err.value.status, err.value.message) == (status, "why")


def test_defaults_for_empty_bodies() -> None:
    """401 and 429 without a body still say what happened."""
    with pytest.raises(UnraidAuthenticationError, match="HTTP 401: Unauthorized"):
        _raise_for_status(401, b"", {})
    with pytest.raises(UnraidRateLimitedError, match="Too Many Requests") as err:
        _raise_for_status(429, b"", {"Retry-After": "2"})
    assert err.value.retry_after == 2.0


async def test_urls() -> None:
    """The API prefix, the port and the scheme are applied once."""
    async with aiohttp.ClientSession() as session:
        client = UnraidClient("tower.local", session=session)
        assert str(client.base_url) == "http://tower.local:8043"
        assert str(client.url("/system")) == "http://tower.local:8043/api/v1/system"
        assert str(client.url("/vm/Windows%2011/start")).endswith(
            "/api/v1/vm/Windows%2011/start"
        )
        secure = UnraidClient("10.0.0.2", 443, session=session, use_ssl=True)
        assert str(secure.url("/ws")) == "https://10.0.0.2/api/v1/ws"  # default port
        assert client.request_count == 0
