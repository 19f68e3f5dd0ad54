"""Virtual machine models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._base import Model
from .common import SourceStatus


@dataclass(frozen=True, kw_only=True, slots=True)
class VMInfo(Model):
    """One entry of ``GET /vm`` and the ``vm_list_update`` topic."""

    id: str | None = None
    name: str | None = None
    state: str | None = None
    cpu_count: int | None = None
    guest_cpu_percent: float | None = None
    host_cpu_percent: float | None = None
    memory_allocated_bytes: int | None = None
    memory_used_bytes: int | None = None
    memory_display: str | None = None
    disk_path: str | None = None
    disk_size_bytes: int | None = None
    disk_read_bytes: int | None = None
    disk_write_bytes: int | None = None
    network_rx_bytes: int | None = None
    network_tx_bytes: int | None = None
    autostart: bool | None = None
    persistent: bool | None = None
    timestamp: datetime | None = None
    source_status: SourceStatus | None = None
