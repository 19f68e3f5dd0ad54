"""Docker container and container update models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._base import Model
from .common import SourceStatus


@dataclass(frozen=True, kw_only=True, slots=True)
class PortMapping(Model):
    """A container port."""

    private_port: int | None = None
    public_port: int | None = None
    type: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class VolumeMapping(Model):
    """A container bind mount."""

    container_path: str | None = None
    host_path: str | None = None
    mode: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ContainerInfo(Model):
    """One entry of ``GET /docker`` and the ``container_list_update`` topic.

    The REST list carries the update fields (``update_status``,
    ``update_available``, ``update_checked``); the WebSocket frames do not.
    """

    id: str | None = None
    name: str | None = None
    image: str | None = None
    version: str | None = None
    state: str | None = None
    status: str | None = None
    network_mode: str | None = None
    ip_address: str | None = None
    mac_address: str | None = None
    cpu_percent: float | None = None
    memory_usage_bytes: int | None = None
    memory_usage_mb: float | None = None
    memory_limit_bytes: int | None = None
    memory_percent: float | None = None
    memory_display: str | None = None
    network_rx_bytes: int | None = None
    network_tx_bytes: int | None = None
    network_rx_bytes_per_sec: float | None = None
    network_tx_bytes_per_sec: float | None = None
    ports: tuple[PortMapping, ...] | None = None
    port_mappings: tuple[str, ...] | None = None
    volume_mappings: tuple[VolumeMapping, ...] | None = None
    restart_policy: str | None = None
    uptime: str | None = None
    restart_count: int | None = None
    update_status: str | None = None
    update_available: bool | None = None
    update_checked: datetime | None = None
    timestamp: datetime | None = None
    source_status: SourceStatus | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ContainerUpdateInfo(Model):
    """The update check result of one container."""

    container_id: str | None = None
    container_name: str | None = None
    image: str | None = None
    current_digest: str | None = None
    latest_digest: str | None = None
    update_available: bool | None = None
    timestamp: datetime | None = None

    @property
    def available(self) -> bool | None:
        """Whether the registry has a newer image; None when the check failed.

        A failed check (private registry, local image, rate limit) comes as
        ``update_available:false`` without a latest digest: the agent's own
        ``Status()`` calls it unknown.
        """
        if not self.latest_digest or self.update_available is None:
            return None
        return self.update_available


@dataclass(frozen=True, kw_only=True, slots=True)
class ContainerUpdatesResult(Model):
    """``GET /docker/updates`` and the ``docker_updates_update`` topic."""

    containers: tuple[ContainerUpdateInfo, ...] | None = None
    total_count: int | None = None
    updates_available: int | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ContainerUpdateResult(Model):
    """The reply of ``POST /docker/{id}/update``."""

    container_id: str | None = None
    container_name: str | None = None
    image: str | None = None
    previous_digest: str | None = None
    new_digest: str | None = None
    updated: bool | None = None
    recreated: bool | None = None
    message: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ContainerBulkUpdateResult(Model):
    """The reply of ``POST /docker/update-all``."""

    results: tuple[ContainerUpdateResult, ...] | None = None
    succeeded: int | None = None
    failed: int | None = None
    skipped: int | None = None
    timestamp: datetime | None = None
