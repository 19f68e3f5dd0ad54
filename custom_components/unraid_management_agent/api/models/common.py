"""Models shared by several payloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._base import Model


@dataclass(frozen=True, kw_only=True, slots=True)
class SourceStatus(Model):
    """Health of one of the agent's data sources (inline when not healthy)."""

    subsystem: str | None = None
    state: str | None = None
    reason: str | None = None
    last_checked: datetime | None = None
    last_healthy: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ActionResponse(Model):
    """The agent's generic reply to a control request."""

    success: bool | None = None
    message: str | None = None
    error: str | None = None
    timestamp: datetime | None = None
