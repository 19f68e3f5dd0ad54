"""HTTP response helpers reproducing net/http, gorilla/mux and the agent's encoder."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .dto import make
from .wire import go_json, go_time

if TYPE_CHECKING:
    from .simulator import Simulator

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-XSS-Protection": "1; mode=block",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    "Content-Security-Policy": "default-src 'self'",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization",
}


class NoAnswer(Exception):
    """Raised by a handler that ran but whose answer is lost (closed, unanswered)."""


class BadBody(Exception):
    """A request body that ``json.Decoder`` would refuse; ``str()`` is Go's error text."""


def json_reply(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> web.Response:
    """Return ``respondJSON(w, status, payload)``."""
    return web.Response(
        status=status,
        body=go_json(payload),
        content_type="application/json",
        headers=headers,
    )


def text_error(status: int, text: str) -> web.Response:
    """Return ``http.Error(w, text, status)`` (plain text with a newline)."""
    resp = web.Response(
        status=status, text=text + "\n", content_type="text/plain", charset="utf-8"
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def dto_reply(
    sim: Simulator, status: int, message: str, *, success: bool | None = None
) -> web.Response:
    """Return a ``dto.Response`` (``success`` defaults to ``status == 200``)."""
    ok = status == 200 if success is None else success
    return json_reply(
        status,
        make("Response", success=ok, message=message, timestamp=go_time(sim.now)),
    )


async def read_json(request: web.Request) -> Any:
    """Decode the request body like ``json.NewDecoder(r.Body).Decode``.

    Raises :class:`BadBody` with Go's error text (``EOF`` for an empty body).
    """
    raw = await request.read()
    if len(raw) > 1024 * 1024:
        raise BadBody("http: request body too large")
    text = raw.decode(errors="replace").strip()
    if not text:
        raise BadBody("EOF")
    try:
        value, _ = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as err:
        raise BadBody(
            f"invalid character {text[err.pos : err.pos + 1]!r} looking for beginning of value"
        ) from err
    return value


def field(body: Any, key: str, kind: type, dto: str) -> Any:
    """Return ``body[key]`` checked against a Go field type (``None`` when absent)."""
    if not isinstance(body, dict):
        raise BadBody(
            f"json: cannot unmarshal {_json_kind(body)} into Go value of type dto.{dto}"
        )
    value = body.get(key)
    if value is None:
        return None
    if (
        kind is bool
        and not isinstance(value, bool)
        or kind is int
        and (isinstance(value, bool) or not isinstance(value, int))
        or kind is str
        and not isinstance(value, str)
    ):
        go_type = {bool: "bool", int: "int", str: "string"}[kind]
        raise BadBody(
            f"json: cannot unmarshal {_json_kind(value)} into Go struct field {dto}.{key} of type {go_type}"
        )
    return value


def _json_kind(value: Any) -> str:
    """Name a JSON value's kind the way Go's error messages do."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
