"""Wire encoding helpers that reproduce Go's ``time.Time`` and ``encoding/json`` output."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
import json
from typing import Any

#: The simulated server's fixed local offset (the agent encodes times in local time).
LOCAL_TZ = timezone(timedelta(hours=10))

_HTML_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def go_time(moment: datetime, *, utc: bool = False) -> str:
    """Format ``moment`` as Go's RFC3339Nano (fraction without trailing zeros).

    Times are shown in the simulated server's local offset, or in UTC with a ``Z``
    suffix when ``utc`` is true (the agent's notification times).
    """
    local = moment.astimezone(UTC if utc else LOCAL_TZ)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if local.microsecond:
        text += f".{local.microsecond:06d}".rstrip("0")
    if utc:
        return text + "Z"
    offset = local.strftime("%z")
    return f"{text}{offset[:3]}:{offset[3:]}"


def go_time_seconds(moment: datetime, *, utc: bool = False) -> str:
    """Format ``moment`` truncated to whole seconds (Go's RFC3339)."""
    return go_time(moment.replace(microsecond=0), utc=utc)


def _normalise(value: Any) -> Any:
    """Turn integral floats into ints, as Go prints ``45`` for ``float64(45)``."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return int(value)
        return value
    if isinstance(value, dict):
        return {key: _normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    return value


def go_json(payload: Any) -> bytes:
    """Encode ``payload`` like ``json.NewEncoder(w).Encode``: compact, HTML-escaped, newline."""
    text = json.dumps(_normalise(payload), separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in _HTML_ESCAPES:
        text = text.replace(raw, escaped)
    return (text + "\n").encode()


def go_quote(text: str) -> str:
    """Quote ``text`` like Go's ``%q`` verb (close enough for printable input)."""
    return json.dumps(text, ensure_ascii=False)
