"""System, hardware, registration and flash models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._base import Model
from .common import SourceStatus


@dataclass(frozen=True, kw_only=True, slots=True)
class FanInfo(Model):
    """A fan reported with the system info."""

    name: str | None = None
    rpm: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class TemperatureReading(Model):
    """One hwmon temperature sensor."""

    name: str | None = None
    value_celsius: float | None = None
    sensor_type: str | None = None
    source: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CPUPowerState(Model):
    """CPU frequency governor state."""

    governor: str | None = None
    available_governors: tuple[str, ...] | None = None
    driver: str | None = None
    min_freq_mhz: int | None = None
    max_freq_mhz: int | None = None
    current_freq_mhz: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SystemInfo(Model):
    """``GET /system`` and the ``system_update`` topic."""

    hostname: str | None = None
    version: str | None = None
    agent_version: str | None = None
    uptime_seconds: int | None = None
    cpu_usage_percent: float | None = None
    cpu_model: str | None = None
    cpu_cores: int | None = None
    cpu_threads: int | None = None
    cpu_mhz: float | None = None
    cpu_per_core_usage: dict[str, float] | None = None
    cpu_temp_celsius: float | None = None
    cpu_power_watts: float | None = None
    dram_power_watts: float | None = None
    ram_usage_percent: float | None = None
    ram_total_bytes: int | None = None
    ram_used_bytes: int | None = None
    ram_free_bytes: int | None = None
    ram_buffers_bytes: int | None = None
    ram_cached_bytes: int | None = None
    swap_usage_percent: float | None = None
    swap_total_bytes: int | None = None
    swap_used_bytes: int | None = None
    swap_free_bytes: int | None = None
    swappiness: int | None = None
    server_model: str | None = None
    bios_version: str | None = None
    bios_date: str | None = None
    motherboard_temp_celsius: float | None = None
    hvm_enabled: bool | None = None
    iommu_enabled: bool | None = None
    openssl_version: str | None = None
    parity_check_speed: str | None = None
    kernel_version: str | None = None
    cpu_power_state: CPUPowerState | None = None
    temperatures: tuple[TemperatureReading, ...] | None = None
    ram_used_mb: float | None = None
    ram_total_mb: float | None = None
    fans: tuple[FanInfo, ...] | None = None
    timestamp: datetime | None = None
    source_status: SourceStatus | None = None

    @property
    def is_placeholder(self) -> bool:
        """True for the answer the agent gives before its first collection.

        Before the system collector has run, ``/system`` answers with
        ``hostname: "unknown"`` and an empty ``agent_version``.
        """
        return self.hostname == "unknown" and not self.agent_version


@dataclass(frozen=True, kw_only=True, slots=True)
class Registration(Model):
    """``GET /registration`` and the ``registration_update`` topic."""

    type: str | None = None
    state: str | None = None
    expiration: datetime | None = None
    update_expiration: datetime | None = None
    server_name: str | None = None
    guid: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class FlashDriveHealth(Model):
    """``GET /system/flash``: the USB boot device."""

    device: str | None = None
    model: str | None = None
    vendor: str | None = None
    guid: str | None = None
    size_bytes: int | None = None
    used_bytes: int | None = None
    free_bytes: int | None = None
    usage_percent: float | None = None
    smart_available: bool | None = None
    smart_status: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class BIOSInfo(Model):
    """SMBIOS BIOS information."""

    vendor: str | None = None
    version: str | None = None
    release_date: str | None = None
    address: str | None = None
    runtime_size: str | None = None
    rom_size: str | None = None
    characteristics: tuple[str, ...] | None = None
    revision: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class BaseboardInfo(Model):
    """SMBIOS baseboard (motherboard) information."""

    manufacturer: str | None = None
    product_name: str | None = None
    version: str | None = None
    serial_number: str | None = None
    asset_tag: str | None = None
    features: tuple[str, ...] | None = None
    location_in_chassis: str | None = None
    type: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ChassisInfo(Model):
    """SMBIOS chassis information."""

    manufacturer: str | None = None
    type: str | None = None
    version: str | None = None
    serial_number: str | None = None
    asset_tag: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CPUHardwareInfo(Model):
    """SMBIOS processor information."""

    socket_designation: str | None = None
    family: str | None = None
    manufacturer: str | None = None
    signature: str | None = None
    flags: tuple[str, ...] | None = None
    voltage: str | None = None
    external_clock_mhz: int | None = None
    max_speed_mhz: int | None = None
    current_speed_mhz: int | None = None
    status: str | None = None
    upgrade: str | None = None
    serial_number: str | None = None
    asset_tag: str | None = None
    part_number: str | None = None
    core_enabled: int | None = None
    thread_count: int | None = None
    characteristics: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class CPUCacheInfo(Model):
    """SMBIOS CPU cache information."""

    level: int | None = None
    socket_designation: str | None = None
    configuration: str | None = None
    operational_mode: str | None = None
    location: str | None = None
    installed_size: str | None = None
    maximum_size: str | None = None
    supported_sram_types: tuple[str, ...] | None = None
    installed_sram_type: str | None = None
    error_correction_type: str | None = None
    system_type: str | None = None
    associativity: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class MemoryArrayInfo(Model):
    """SMBIOS physical memory array."""

    location: str | None = None
    use: str | None = None
    error_correction_type: str | None = None
    maximum_capacity: str | None = None
    number_of_devices: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class MemoryDeviceInfo(Model):
    """SMBIOS memory device (one DIMM slot)."""

    locator: str | None = None
    bank_locator: str | None = None
    size: str | None = None
    form_factor: str | None = None
    type: str | None = None
    type_detail: str | None = None
    speed: str | None = None
    manufacturer: str | None = None
    serial_number: str | None = None
    asset_tag: str | None = None
    part_number: str | None = None
    rank: int | None = None
    configured_speed: str | None = None
    minimum_voltage: str | None = None
    maximum_voltage: str | None = None
    configured_voltage: str | None = None
    data_width: int | None = None
    total_width: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class TPMInfo(Model):
    """TPM presence."""

    present: bool | None = None
    version: str | None = None
    manufacturer: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class BootInfo(Model):
    """Boot device information."""

    device_type: str | None = None
    device: str | None = None
    filesystem: str | None = None
    boot_pool: str | None = None
    boot_pool_type: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class HardwareInfo(Model):
    """``GET /hardware/full`` and the ``hardware_update`` topic."""

    bios: BIOSInfo | None = None
    baseboard: BaseboardInfo | None = None
    chassis: ChassisInfo | None = None
    cpu: CPUHardwareInfo | None = None
    cache: tuple[CPUCacheInfo, ...] | None = None
    memory_array: MemoryArrayInfo | None = None
    memory_devices: tuple[MemoryDeviceInfo, ...] | None = None
    tpm: TPMInfo | None = None
    boot: BootInfo | None = None
    timestamp: datetime | None = None
