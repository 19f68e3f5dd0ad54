"""Notification models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._base import Model


@dataclass(frozen=True, kw_only=True, slots=True)
class Notification(Model):
    """One Unraid notification (``id`` is its file name)."""

    id: str | None = None
    title: str | None = None
    subject: str | None = None
    description: str | None = None
    importance: str | None = None
    link: str | None = None
    timestamp: datetime | None = None
    formatted_timestamp: str | None = None
    type: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NotificationCounts(Model):
    """Counts by importance (``info`` includes ``normal``)."""

    info: int | None = None
    warning: int | None = None
    alert: int | None = None
    total: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NotificationOverview(Model):
    """Unread and archived counts."""

    unread: NotificationCounts | None = None
    archive: NotificationCounts | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NotificationList(Model):
    """``GET /notifications`` and the ``notifications_update`` topic."""

    overview: NotificationOverview | None = None
    notifications: tuple[Notification, ...] | None = None
    timestamp: datetime | None = None
