"""HTTP transport of the client: requests, limits and the agent's error shapes."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime
import json
import math
import time
from typing import Any, Final

import aiohttp
import orjson
from yarl import URL

from ._limiter import RequestLimiter
from .exceptions import (
    UnraidApiError,
    UnraidAuthenticationError,
    UnraidConnectionError,
    UnraidInvalidResponseError,
    UnraidNoAnswerError,
    UnraidNotFoundError,
    UnraidRateLimitedError,
    UnraidRequestError,
    UnraidServerError,
    UnraidTimeoutError,
)
from .models import ActionResponse

DEFAULT_PORT: Final = 8043
API_PREFIX: Final = "/api/v1"
#: The longest pause a ``Retry-After`` may impose. The agent's own 429 has
#: none; a proxy's hour-long one must not hold every read (and the stream).
MAX_RETRY_AFTER: Final = 60.0
#: The keys an ``{"error": …}`` body may have besides ``error``.
_ERROR_KEYS: Final = frozenset({"error", "message", "success"})


def _loads(body: bytes) -> Any:
    """Decode JSON; fall back to the standard library for what orjson refuses.

    Nesting too deep even for the standard library counts as invalid JSON.
    """
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        try:
            return json.loads(body)
        except RecursionError as err:
            raise ValueError("JSON nested too deeply") from err


def error_message(body: bytes) -> str:
    """Extract the agent's message from any of its four error-body shapes."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return ""
    try:
        data = _loads(body)
    except ValueError:
        return text
    if isinstance(data, Mapping):
        for key in ("message", "error"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value
        return ""
    return text


def _retry_after(value: str | None) -> float | None:
    """Parse a Retry-After header (seconds or an HTTP date), capped."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    # "inf" or "nan" would hold every later request forever
    if not math.isfinite(seconds):
        return None
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


def is_error_body(data: object) -> bool:
    """Tell whether ``data`` is the agent's ``{"error": "…"}`` shape (any status).

    (``success: false`` bodies are refused for every request already.)
    """
    if not isinstance(data, Mapping):
        return False
    error = data.get("error")
    return isinstance(error, str) and bool(error) and set(data) <= _ERROR_KEYS


def _raise_for_status(status: int, body: bytes, headers: Mapping[str, str]) -> None:
    """Map an HTTP error status to the client's exceptions."""
    message = error_message(body)
    if status == 401:
        raise UnraidAuthenticationError(status, message or "Unauthorized")
    if status == 429:
        raise UnraidRateLimitedError(
            status,
            message or "Too Many Requests",
            _retry_after(headers.get("Retry-After")),
        )
    if status == 404:
        raise UnraidNotFoundError(status, message)
    if status >= 500:
        raise UnraidServerError(status, message)
    raise UnraidRequestError(status, message)


class HttpCore:
    """Sends requests to the agent and maps its answers and errors."""

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        *,
        session: aiohttp.ClientSession,
        use_ssl: bool = False,
        verify_ssl: bool = True,
        token: str | None = None,
        request_timeout: float = 10.0,
        limiter: RequestLimiter | None = None,
    ) -> None:
        """Create a client; the aiohttp session is owned by the caller."""
        self._session = session
        self._base = URL.build(
            scheme="https" if use_ssl else "http", host=host, port=port
        )
        self._ssl = not (use_ssl and not verify_ssl)
        self._headers: dict[str, str] = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._limiter = limiter or RequestLimiter()
        self.request_count = 0

    @property
    def limiter(self) -> RequestLimiter:
        """The pacing of this client's requests (shared by all of them)."""
        return self._limiter

    @property
    def base_url(self) -> URL:
        """The agent's address without the API prefix."""
        return self._base

    def url(self, path: str) -> URL:
        """Return the full URL of an API path such as ``/system``."""
        return self._base.with_path(API_PREFIX + path, encoded=True)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: object = None,
        time_limit: float | None = None,
    ) -> Any:
        """Send one request and return the decoded JSON body.

        ``time_limit`` (seconds) overrides the default for long commands (container updates).
        """
        url = self.url(path)
        async with self._limiter:
            self.request_count += 1
            try:
                async with self._session.request(
                    method,
                    url,
                    params=params,
                    data=None if json_body is None else orjson.dumps(json_body),
                    headers=(
                        self._headers
                        if json_body is None
                        else {**self._headers, "Content-Type": "application/json"}
                    ),
                    timeout=self._timeout
                    if time_limit is None
                    else aiohttp.ClientTimeout(total=time_limit),
                    ssl=self._ssl,
                ) as response:
                    body = await response.read()
                    status = response.status
                    headers = response.headers
            except TimeoutError as err:
                raise UnraidTimeoutError(f"{method} {path}: no answer in time") from err
            except aiohttp.ClientConnectorError as err:
                raise UnraidConnectionError(f"{method} {path}: {err}") from err
            except (aiohttp.ClientError, OSError) as err:
                # Connected and sent: the connection broke before a whole answer.
                raise UnraidNoAnswerError(
                    f"{method} {path}: connection closed without an answer ({err})"
                ) from err
        if status == 429:
            hint = _retry_after(headers.get("Retry-After"))
            self._limiter.pause(hint if hint is not None else 1.0)
        if status >= 400:
            _raise_for_status(status, body, headers)
        try:
            data = _loads(body) if body.strip() else None
        except ValueError as err:
            raise UnraidInvalidResponseError(
                f"{method} {path}: body is not JSON"
            ) from err
        if isinstance(data, Mapping) and data.get("success") is False:
            raise UnraidApiError(status, error_message(body))
        return data

    async def _get(self, path: str) -> Any:
        """Read a resource; an empty body or an error body is a failed read.

        A marshal failure on the agent (a NaN) gives 200 with an empty body;
        read as "nothing", it would make every disk or container vanish.
        """
        data = await self.request("GET", path)
        if data is None:
            raise UnraidInvalidResponseError(f"GET {path}: empty body")
        if is_error_body(data):
            raise UnraidApiError(200, error_message(orjson.dumps(data)))
        return data

    async def _action(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: object = None,
        time_limit: float | None = None,
    ) -> ActionResponse:
        data = await self.request(
            "POST", path, params=params, json_body=json_body, time_limit=time_limit
        )
        return ActionResponse.parse(data) or ActionResponse(success=True)

    @staticmethod
    def _require[M](parsed: M | None, path: str) -> M:
        if parsed is None:
            raise UnraidInvalidResponseError(f"{path}: expected an object")
        return parsed
