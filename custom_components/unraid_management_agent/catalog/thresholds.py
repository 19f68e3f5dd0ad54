"""Disk temperature thresholds: a disk's own, else Unraid's global ones.

Unraid warns when a disk reaches its warning temperature and alerts at its
critical one. Each disk may set its own (``temp_warning_celsius`` and
``temp_critical_celsius``, None: the global ones); the global ones differ
for hard disks and SSDs (``/settings/disk-thresholds``, agents from
2026.01.02; older agents have neither, and then nothing is known).

The agent does not report whether a disk rotates (Unraid's ``rotational``),
so SSDs are told by what it does report: an NVMe device, a model that says
SSD, or SMART attributes only flash has (wear, lifetime left). Every other
disk is taken for a hard disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..api.models import DiskInfo, DiskSettingsExtended
from ..data import UnraidData

#: Words in the names of SMART attributes that only flash storage reports
#: (``Wear_Leveling_Count``, ``Media_Wearout_Indicator``, ``SSD_Life_Left``,
#: ``Percent_Lifetime_Remain``…).
_FLASH_ATTRIBUTES = ("wear", "lifetime", "life_left")


@dataclass(frozen=True, slots=True)
class DiskHeat:
    """A disk with the temperature thresholds that apply to it (°C, None: unknown)."""

    disk: DiskInfo
    warning: int | None
    critical: int | None


def is_ssd(disk: DiskInfo) -> bool:
    """Tell an SSD from a hard disk by what the agent reports of it."""
    if (disk.device or "").startswith("nvme"):
        return True
    if "SSD" in (disk.model or "").upper():
        return True
    return any(
        word in name.lower()
        for name in disk.smart_attributes or {}
        for word in _FLASH_ATTRIBUTES
    )


def _threshold(own: int | None, default: int | None) -> int | None:
    """Return a disk's own threshold, else the global one (0 or less: none)."""
    if own is not None and own > 0:
        return own
    return default if default is not None and default > 0 else None


def disk_heat(data: UnraidData, disk: DiskInfo) -> DiskHeat:
    """Return the disk with its effective warning and critical temperatures."""
    settings: DiskSettingsExtended | None = data.disk_thresholds
    warning = critical = None
    if settings is not None:
        if is_ssd(disk):
            warning = settings.ssd_temp_warning_celsius
            critical = settings.ssd_temp_critical_celsius
        else:
            warning = settings.hdd_temp_warning_celsius
            critical = settings.hdd_temp_critical_celsius
    return DiskHeat(
        disk,
        _threshold(disk.temp_warning_celsius, warning),
        _threshold(disk.temp_critical_celsius, critical),
    )


def heat_attributes(heat: DiskHeat) -> dict[str, Any]:
    """Return the known thresholds as attributes of the temperature sensor."""
    attributes: dict[str, Any] = {}
    if heat.warning is not None:
        attributes["temperature_warning"] = heat.warning
    if heat.critical is not None:
        attributes["temperature_critical"] = heat.critical
    return attributes


def reached(temperature: float | None, threshold: int | None) -> bool | None:
    """Whether a temperature is at or above a threshold (None: either is unknown)."""
    if temperature is None or threshold is None:
        return None
    return temperature >= threshold
