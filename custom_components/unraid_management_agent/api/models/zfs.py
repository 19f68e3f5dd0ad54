"""ZFS models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._base import Model


@dataclass(frozen=True, kw_only=True, slots=True)
class ZFSDevice(Model):
    """A leaf device of a vdev."""

    name: str | None = None
    state: str | None = None
    read_errors: int | None = None
    write_errors: int | None = None
    checksum_errors: int | None = None
    physical_path: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ZFSVdev(Model):
    """A virtual device of a pool."""

    name: str | None = None
    type: str | None = None
    state: str | None = None
    read_errors: int | None = None
    write_errors: int | None = None
    checksum_errors: int | None = None
    devices: tuple[ZFSDevice, ...] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ZFSPool(Model):
    """One entry of ``GET /zfs/pools`` and the ``zfs_pools_update`` topic."""

    name: str | None = None
    guid: str | None = None
    version: str | None = None
    health: str | None = None
    state: str | None = None
    size_bytes: int | None = None
    allocated_bytes: int | None = None
    free_bytes: int | None = None
    fragmentation_percent: float | None = None
    capacity_percent: float | None = None
    dedup_ratio: float | None = None
    compress_ratio: float | None = None
    altroot: str | None = None
    readonly: bool | None = None
    autoexpand: bool | None = None
    autotrim: str | None = None
    vdevs: tuple[ZFSVdev, ...] | None = None
    scan_status: str | None = None
    scan_state: str | None = None
    scan_errors: int | None = None
    scan_repaired_bytes: int | None = None
    scan_start_time: datetime | None = None
    scan_end_time: datetime | None = None
    scan_progress_percent: float | None = None
    read_errors: int | None = None
    write_errors: int | None = None
    checksum_errors: int | None = None
    corrupted_files: tuple[str, ...] | None = None
    is_boot_pool: bool | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ZFSDataset(Model):
    """One entry of ``GET /zfs/datasets``."""

    name: str | None = None
    type: str | None = None
    used_bytes: int | None = None
    available_bytes: int | None = None
    referenced_bytes: int | None = None
    compress_ratio: float | None = None
    mountpoint: str | None = None
    quota_bytes: int | None = None
    reservation_bytes: int | None = None
    compression: str | None = None
    readonly: bool | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ZFSSnapshot(Model):
    """One entry of ``GET /zfs/snapshots``."""

    name: str | None = None
    dataset: str | None = None
    used_bytes: int | None = None
    referenced_bytes: int | None = None
    creation_time: datetime | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ZFSARCStats(Model):
    """``GET /zfs/arc`` and the ``zfs_arc_stats_update`` topic."""

    size_bytes: int | None = None
    size_mb: float | None = None
    target_size_bytes: int | None = None
    min_size_bytes: int | None = None
    max_size_bytes: int | None = None
    configured_max_bytes: int | None = None
    usage_percent: float | None = None
    hit_ratio_percent: float | None = None
    mru_hit_ratio_percent: float | None = None
    mfu_hit_ratio_percent: float | None = None
    hits: int | None = None
    misses: int | None = None
    l2_size_bytes: int | None = None
    l2_hits: int | None = None
    l2_misses: int | None = None
    timestamp: datetime | None = None
