"""Find the identifying values (serials, MACs, addresses) in the simulator's data.

Used by the diagnostics test and the browser test to check that none of them
leaks into a diagnostics download.
"""

from __future__ import annotations

from typing import Any


def values_under(data: Any, keys: set[str]) -> set[str]:
    """Return every non-empty string under one of ``keys``, anywhere in ``data``."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys:
                items = value if isinstance(value, list) else [value]
                found.update(item for item in items if isinstance(item, str) and item)
            else:
                found |= values_under(value, keys)
    elif isinstance(data, list):
        for item in data:
            found |= values_under(item, keys)
    return found
