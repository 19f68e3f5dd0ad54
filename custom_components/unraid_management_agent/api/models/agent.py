"""Models of the agent itself: collectors, updates, plugins, user scripts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._base import Model


@dataclass(frozen=True, kw_only=True, slots=True)
class CollectorStatus(Model):
    """One of the agent's collectors."""

    name: str | None = None
    enabled: bool | None = None
    interval_seconds: int | None = None
    status: str | None = None
    last_run: datetime | None = None
    error_count: int | None = None
    required: bool | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CollectorsStatus(Model):
    """``GET /collectors/status``."""

    collectors: tuple[CollectorStatus, ...] | None = None
    total: int | None = None
    enabled_count: int | None = None
    disabled_count: int | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CollectorStateEvent(Model):
    """A collector was enabled or disabled (sent as ``"event":"update"``)."""

    event: str | None = None
    collector: str | None = None
    enabled: bool | None = None
    status: str | None = None
    interval: int | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PluginInfo(Model):
    """An installed Unraid plugin."""

    name: str | None = None
    version: str | None = None
    author: str | None = None
    enabled: bool | None = None
    url: str | None = None
    support_url: str | None = None
    icon: str | None = None
    update_available: bool | None = None
    latest_version: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PluginList(Model):
    """``GET /plugins/check-updates`` and the ``plugin_updates_update`` topic."""

    plugins: tuple[PluginInfo, ...] | None = None
    total_count: int | None = None
    updates_available: int | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class OSUpdateStatus(Model):
    """``GET /os/update`` and the ``os_update_update`` topic."""

    current_version: str | None = None
    latest_version: str | None = None
    update_available: bool | None = None
    status: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class UserScriptInfo(Model):
    """A script of the User Scripts plugin."""

    name: str | None = None
    description: str | None = None
    path: str | None = None
    executable: bool | None = None
    last_modified: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class UserScriptResult(Model):
    """The reply of ``POST /user-scripts/{name}/execute``."""

    success: bool | None = None
    message: str | None = None
    pid: int | None = None
    output: str | None = None
    error: str | None = None
