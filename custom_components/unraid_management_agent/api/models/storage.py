"""Array, disk, share, parity, mover and Unassigned Devices models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._base import Model
from .common import SourceStatus


@dataclass(frozen=True, kw_only=True, slots=True)
class ArrayStatus(Model):
    """``GET /array`` and the ``array_status_update`` topic."""

    state: str | None = None
    used_percent: float | None = None
    free_bytes: int | None = None
    total_bytes: int | None = None
    parity_valid: bool | None = None
    parity_check_status: str | None = None
    parity_check_progress: float | None = None
    num_disks: int | None = None
    num_data_disks: int | None = None
    num_parity_disks: int | None = None
    timestamp: datetime | None = None
    source_status: SourceStatus | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SMARTAttribute(Model):
    """One SMART attribute of a disk."""

    id: int | None = None
    name: str | None = None
    value: int | None = None
    worst: int | None = None
    threshold: int | None = None
    raw_value: str | None = None
    when_failed: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class DiskInfo(Model):
    """One entry of ``GET /disks`` and the ``disk_list_update`` topic."""

    id: str | None = None
    device: str | None = None
    name: str | None = None
    status: str | None = None
    size_bytes: int | None = None
    used_bytes: int | None = None
    free_bytes: int | None = None
    temperature_celsius: float | None = None
    smart_status: str | None = None
    smart_errors: int | None = None
    spindown_delay: int | None = None
    filesystem: str | None = None
    serial_number: str | None = None
    model: str | None = None
    role: str | None = None
    spin_state: str | None = None
    smart_attributes: dict[str, SMARTAttribute] | None = None
    power_on_hours: int | None = None
    power_cycle_count: int | None = None
    read_bytes: int | None = None
    write_bytes: int | None = None
    read_ops: int | None = None
    write_ops: int | None = None
    io_utilization_percent: float | None = None
    mount_point: str | None = None
    usage_percent: float | None = None
    temp_warning_celsius: int | None = None
    temp_critical_celsius: int | None = None
    source_status: SourceStatus | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ShareInfo(Model):
    """One entry of ``GET /shares`` and the ``share_list_update`` topic."""

    name: str | None = None
    path: str | None = None
    used_bytes: int | None = None
    free_bytes: int | None = None
    total_bytes: int | None = None
    usage_percent: float | None = None
    comment: str | None = None
    smb_export: bool | None = None
    nfs_export: bool | None = None
    storage: str | None = None
    use_cache: str | None = None
    security: str | None = None
    cache_pool: str | None = None
    cache_pool2: str | None = None
    mover_action: str | None = None
    source_status: SourceStatus | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ParitySchedule(Model):
    """``GET /array/parity-check/schedule``."""

    mode: str | None = None
    day: int | None = None
    hour: int | None = None
    day_of_month: int | None = None
    month: int | None = None
    frequency: int | None = None
    duration_hours: int | None = None
    cumulative: bool | None = None
    correcting: bool | None = None
    cron: str | None = None
    check_cron: str | None = None
    pause_hour: int | None = None
    resume_hour: int | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class DiskSettingsExtended(Model):
    """``GET /settings/disk-thresholds`` (agents from 2026.01.02; 404 before).

    The global temperature thresholds (°C) of Unraid's display settings,
    for hard disks and for SSDs; a disk's own ``temp_warning_celsius`` and
    ``temp_critical_celsius`` take precedence. The agent reads them from
    ``dynamix.cfg`` (Unraid's defaults 45/55 and 60/70 when unset).
    """

    spindown_delay_minutes: int | None = None
    start_array: bool | None = None
    spinup_groups: bool | None = None
    shutdown_timeout_seconds: int | None = None
    default_filesystem: str | None = None
    hdd_temp_warning_celsius: int | None = None
    hdd_temp_critical_celsius: int | None = None
    ssd_temp_warning_celsius: int | None = None
    ssd_temp_critical_celsius: int | None = None
    warning_utilization_percent: int | None = None
    critical_utilization_percent: int | None = None
    nvme_power_monitoring: bool | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ParityCheckRecord(Model):
    """One line of the parity-check log."""

    action: str | None = None
    date: datetime | None = None
    duration_seconds: int | None = None
    speed_mbps: float | None = None
    status: str | None = None
    errors: int | None = None
    size_bytes: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ParityCheckHistory(Model):
    """``GET /array/parity-check/history`` (records in file order)."""

    records: tuple[ParityCheckRecord, ...] | None = None
    timestamp: datetime | None = None

    @property
    def latest(self) -> ParityCheckRecord | None:
        """The most recent record by date, if any."""
        dated = [record for record in self.records or () if record.date is not None]
        if not dated:
            return None
        return max(dated, key=lambda record: record.date)  # type: ignore[arg-type,return-value]


@dataclass(frozen=True, kw_only=True, slots=True)
class MoverStatus(Model):
    """``GET /mover`` and the ``mover_update`` topic."""

    active: bool | None = None
    schedule: str | None = None
    last_run_start: str | None = None
    last_run_finish: str | None = None
    last_run_duration_seconds: int | None = None
    last_run_files_moved: int | None = None
    last_run_bytes_moved: int | None = None
    current_throughput_mbs: float | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class UnassignedPartition(Model):
    """A partition of an unassigned device."""

    partition_number: int | None = None
    label: str | None = None
    filesystem: str | None = None
    mount_point: str | None = None
    size_bytes: int | None = None
    used_bytes: int | None = None
    free_bytes: int | None = None
    usage_percent: float | None = None
    read_only: bool | None = None
    smb_share: bool | None = None
    nfs_share: bool | None = None
    status: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class UnassignedDevice(Model):
    """A disk handled by the Unassigned Devices plugin."""

    device: str | None = None
    serial_number: str | None = None
    model: str | None = None
    identification: str | None = None
    partitions: tuple[UnassignedPartition, ...] | None = None
    status: str | None = None
    spin_state: str | None = None
    temperature_celsius: float | None = None
    auto_mount: bool | None = None
    pass_through: bool | None = None
    disable_mount: bool | None = None
    script_enabled: bool | None = None
    script_path: str | None = None
    reads: int | None = None
    writes: int | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class UnassignedRemoteShare(Model):
    """An SMB/NFS/ISO mount handled by the Unassigned Devices plugin."""

    type: str | None = None
    source: str | None = None
    mount_point: str | None = None
    status: str | None = None
    size_bytes: int | None = None
    used_bytes: int | None = None
    free_bytes: int | None = None
    usage_percent: float | None = None
    auto_mount: bool | None = None
    read_only: bool | None = None
    smb_server: str | None = None
    smb_share: str | None = None
    smb_domain: str | None = None
    smb_user: str | None = None
    nfs_server: str | None = None
    nfs_export: str | None = None
    nfs_options: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class UnassignedDeviceList(Model):
    """``GET /unassigned`` and the ``unassigned_devices_update`` topic."""

    devices: tuple[UnassignedDevice, ...] | None = None
    remote_shares: tuple[UnassignedRemoteShare, ...] | None = None
    timestamp: datetime | None = None
