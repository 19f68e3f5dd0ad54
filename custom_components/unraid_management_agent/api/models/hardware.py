"""UPS, NUT, GPU and network interface models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._base import Model


@dataclass(frozen=True, kw_only=True, slots=True)
class UPSStatus(Model):
    """``GET /ups`` and the ``ups_status_update`` topic."""

    connected: bool | None = None
    status: str | None = None
    load_percent: float | None = None
    battery_charge_percent: float | None = None
    runtime_left_seconds: int | None = None
    power_watts: float | None = None
    nominal_power_watts: float | None = None
    model: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NUTConfig(Model):
    """NUT plugin configuration."""

    service_enabled: bool | None = None
    mode: str | None = None
    ups_name: str | None = None
    driver: str | None = None
    port: str | None = None
    ip_address: str | None = None
    poll_interval: int | None = None
    shutdown_mode: str | None = None
    battery_level: int | None = None
    runtime_value: int | None = None
    timeout: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NUTDevice(Model):
    """A UPS known to NUT."""

    name: str | None = None
    description: str | None = None
    available: bool | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NUTStatus(Model):
    """Detailed NUT status of one UPS."""

    connected: bool | None = None
    device_name: str | None = None
    host: str | None = None
    driver: str | None = None
    driver_state: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial: str | None = None
    type: str | None = None
    status: str | None = None
    status_text: str | None = None
    alarms: tuple[str, ...] | None = None
    beeper_status: str | None = None
    test_result: str | None = None
    test_result_date: str | None = None
    battery_charge_percent: float | None = None
    battery_charge_low_percent: float | None = None
    battery_charge_warning_percent: float | None = None
    battery_runtime_seconds: int | None = None
    battery_runtime_low_seconds: int | None = None
    battery_voltage: float | None = None
    battery_voltage_nominal: float | None = None
    battery_type: str | None = None
    battery_status: str | None = None
    battery_mfr_date: str | None = None
    input_voltage: float | None = None
    input_voltage_nominal: float | None = None
    input_frequency: float | None = None
    input_transfer_high: float | None = None
    input_transfer_low: float | None = None
    input_current: float | None = None
    output_voltage: float | None = None
    output_frequency: float | None = None
    output_current: float | None = None
    load_percent: float | None = None
    realpower_watts: float | None = None
    realpower_nominal_watts: float | None = None
    apparent_power_va: float | None = None
    apparent_power_nominal_va: float | None = None
    delay_shutdown_seconds: int | None = None
    delay_start_seconds: int | None = None
    timer_shutdown: int | None = None
    timer_start: int | None = None
    driver_version: str | None = None
    driver_version_data: str | None = None
    driver_version_usb: str | None = None
    product_id: str | None = None
    vendor_id: str | None = None
    raw_variables: dict[str, str] | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NUTResponse(Model):
    """``GET /nut`` and the ``nut_status_update`` topic."""

    installed: bool | None = None
    running: bool | None = None
    config: NUTConfig | None = None
    devices: tuple[NUTDevice, ...] | None = None
    status: NUTStatus | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class GPUMetrics(Model):
    """One entry of ``GET /gpu`` and the ``gpu_metrics_update`` topic."""

    available: bool | None = None
    index: int | None = None
    pci_id: str | None = None
    vendor: str | None = None
    uuid: str | None = None
    name: str | None = None
    driver_version: str | None = None
    temperature_celsius: float | None = None
    cpu_temperature_celsius: float | None = None
    utilization_gpu_percent: float | None = None
    utilization_memory_percent: float | None = None
    memory_total_bytes: int | None = None
    memory_used_bytes: int | None = None
    power_draw_watts: float | None = None
    fan_speed_percent: float | None = None
    fan_rpm: int | None = None
    fan_max_rpm: int | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkInfo(Model):
    """One entry of ``GET /network`` and the ``network_list_update`` topic."""

    name: str | None = None
    mac_address: str | None = None
    ip_address: str | None = None
    speed_mbps: int | None = None
    state: str | None = None
    bytes_received: int | None = None
    bytes_sent: int | None = None
    packets_received: int | None = None
    packets_sent: int | None = None
    errors_received: int | None = None
    errors_sent: int | None = None
    rx_bytes_per_sec: float | None = None
    tx_bytes_per_sec: float | None = None
    duplex: str | None = None
    auto_negotiation: str | None = None
    port: str | None = None
    link_detected: bool | None = None
    mtu: int | None = None
    timestamp: datetime | None = None
