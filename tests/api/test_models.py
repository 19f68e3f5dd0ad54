"""Tolerant model parsing: missing keys, nulls, zero times, wrong types, nesting."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
import logging

import pytest

from custom_components.unraid_management_agent.api.models import (
    ContainerInfo,
    DiskInfo,
    HardwareInfo,
    NotificationList,
    NUTResponse,
    ParityCheckHistory,
    ParityCheckRecord,
    PortMapping,
    SMARTAttribute,
    SourceStatus,
    SystemInfo,
    ZFSPool,
    _base,
)

LOGGER = "custom_components.unraid_management_agent.api.models._base"


class FakeDatetime(datetime):
    """What a frozen clock puts in place of ``datetime``."""


@pytest.fixture(autouse=True)
def fresh_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees its own once-per-field debug lines."""
    monkeypatch.setattr(_base, "_reported", set())


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture the parser's debug lines."""
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    return caplog


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_missing_keys_give_none() -> None:
    """An empty object gives a model whose every field is None."""
    system = SystemInfo.from_dict({})
    assert system == SystemInfo()
    assert all(getattr(system, f.name) is None for f in dataclasses.fields(system))


def test_null_and_empty_lists() -> None:
    """``null`` (empty Go slice) gives None; ``[]`` gives an empty tuple."""
    container = ContainerInfo.from_dict(
        {"id": "abc", "port_mappings": None, "volume_mappings": [], "ports": None}
    )
    assert container.port_mappings is None
    assert container.volume_mappings == ()
    assert container.ports is None
    notes = NotificationList.from_dict({"notifications": None})
    assert notes.notifications is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0001-01-01T00:00:00Z", None),
        ("0001-01-01T10:00:00+10:00", None),
        ("", None),
        ("2026-11-20T18:00:00+10:00", datetime(2026, 11, 20, 8, tzinfo=UTC)),
        ("2026-11-20T08:00:00Z", datetime(2026, 11, 20, 8, tzinfo=UTC)),
        (
            "2026-06-10T09:47:12.123456789+10:00",
            datetime(2026, 6, 9, 23, 47, 12, 123456, tzinfo=UTC),
        ),
    ],
)
def test_times(raw: str, expected: datetime | None) -> None:
    """RFC 3339 with offsets and nanoseconds; Go's zero time and "" give None."""
    assert SourceStatus.from_dict({"last_checked": raw}).last_checked == expected


def test_time_keeps_offset() -> None:
    """The agent's local offset is kept, not converted."""
    parsed = SourceStatus.from_dict({"last_checked": "2026-11-20T18:00:00+10:00"})
    assert parsed.last_checked is not None
    assert parsed.last_checked.utcoffset() == timedelta(hours=10)


@pytest.mark.parametrize(
    "raw", ["2026-11-20T18:00:00", "yesterday", "2026-13-01T00:00:00Z", 1700000000]
)
def test_bad_times(raw: object, debug_log: pytest.LogCaptureFixture) -> None:
    """Naive, malformed or numeric times give None and one debug line."""
    assert SourceStatus.from_dict({"last_checked": raw}).last_checked is None
    assert len(_lines(debug_log)) == 1
    assert "SourceStatus.last_checked" in _lines(debug_log)[0]


def test_wrong_types_give_none_and_one_line_each(
    debug_log: pytest.LogCaptureFixture,
) -> None:
    """Each wrong value is dropped alone; one debug line per model and field."""
    raw = {
        "hostname": 5,
        "cpu_cores": "8",
        "hvm_enabled": "yes",
        "cpu_usage_percent": True,  # a bool is not a number
        "cpu_threads": 3.5,  # not integral
        "ram_total_bytes": 2.0,  # integral float: accepted as int
        "uptime_seconds": float("nan"),
        "ram_usage_percent": float("nan"),
        "cpu_temp_celsius": 41,  # int for a float field: accepted
        "version": "7.3.1",
    }
    system = SystemInfo.from_dict(raw)
    assert system.hostname is None
    assert system.cpu_cores is None
    assert system.hvm_enabled is None
    assert system.cpu_usage_percent is None
    assert system.cpu_threads is None
    assert system.ram_total_bytes == 2 and isinstance(system.ram_total_bytes, int)
    assert system.uptime_seconds is None
    assert system.ram_usage_percent is None
    assert system.cpu_temp_celsius == 41.0 and isinstance(
        system.cpu_temp_celsius, float
    )
    assert system.version == "7.3.1"
    lines = _lines(debug_log)
    fields = {
        "hostname",
        "cpu_cores",
        "hvm_enabled",
        "cpu_usage_percent",
        "cpu_threads",
    }
    fields |= {"uptime_seconds", "ram_usage_percent"}
    assert len(lines) == len(fields)
    assert {
        line.split()[1].removeprefix("SystemInfo.").rstrip(":") for line in lines
    } == fields
    assert "Ignoring SystemInfo.hostname: unexpected int value 5" in lines

    SystemInfo.from_dict(raw)  # the same problems again: no new lines
    SystemInfo.from_dict({"hostname": [1]})
    assert len(_lines(debug_log)) == len(fields)


def test_long_values_are_shortened_in_the_log(
    debug_log: pytest.LogCaptureFixture,
) -> None:
    """The debug line shows at most 80 characters of the value."""
    SystemInfo.from_dict({"hostname": list(range(1000))})
    (line,) = _lines(debug_log)
    shown = line.split("value ", 1)[1]
    assert len(shown) == 80 and shown.endswith("...")


def test_unknown_keys_are_ignored() -> None:
    """Fields a newer agent adds do not disturb parsing."""
    parsed = SourceStatus.from_dict({"state": "healthy", "brand_new": {"x": 1}})
    assert parsed == SourceStatus(state="healthy")


def test_nested_models() -> None:
    """Objects and lists of objects become nested models; wrong ones are dropped."""
    nut = NUTResponse.from_dict(
        {
            "installed": True,
            "running": True,
            "config": {"mode": "netclient", "poll_interval": 15},
            "devices": [{"name": "ups", "available": True}, "junk", None, 3],
            "status": {
                "device_name": "ups",
                "alarms": ["OB", 5, None, "LB"],
                "raw_variables": {"battery.charge": "100", "bad": 7, "none": None},
                "battery_charge_percent": 100,
            },
        }
    )
    assert nut.config is not None and nut.config.poll_interval == 15
    assert nut.devices is not None and [d.name for d in nut.devices] == ["ups"]
    assert nut.status is not None
    assert nut.status.alarms == ("OB", "LB")
    assert nut.status.raw_variables == {"battery.charge": "100"}
    assert nut.status.battery_charge_percent == 100.0

    pool = ZFSPool.from_dict(
        {"name": "tank", "vdevs": [{"name": "mirror-0", "devices": [{"name": "sda"}]}]}
    )
    assert pool.vdevs is not None and pool.vdevs[0].devices is not None
    assert pool.vdevs[0].devices[0].name == "sda"

    hardware = HardwareInfo.from_dict(
        {"bios": "not an object", "tpm": {"present": True}}
    )
    assert hardware.bios is None
    assert hardware.tpm is not None and hardware.tpm.present is True


def test_dict_of_models() -> None:
    """``smart_attributes`` maps names to models; bad entries are skipped."""
    disk = DiskInfo.from_dict(
        {
            "id": "WDC_1",
            "smart_attributes": {
                "Temperature_Celsius": {
                    "id": 194,
                    "name": "Temperature_Celsius",
                    "value": 36,
                    "raw_value": "36",
                },
                "Reallocated_Sector_Ct": {
                    "id": 5,
                    "value": 100,
                    "worst": 100,
                    "threshold": 10,
                },
                "broken": 7,
                "empty": None,
            },
        }
    )
    assert disk.smart_attributes == {
        "Temperature_Celsius": SMARTAttribute(
            id=194, name="Temperature_Celsius", value=36, raw_value="36"
        ),
        "Reallocated_Sector_Ct": SMARTAttribute(
            id=5, value=100, worst=100, threshold=10
        ),
    }
    assert DiskInfo.from_dict({"smart_attributes": []}).smart_attributes is None
    cores = SystemInfo.from_dict(
        {"cpu_per_core_usage": {"cpu0": 1.5, "cpu1": "x", "cpu2": 3}}
    )
    assert cores.cpu_per_core_usage == {"cpu0": 1.5, "cpu2": 3.0}


def test_parse_and_parse_list(debug_log: pytest.LogCaptureFixture) -> None:
    """``parse`` wants an object, ``parse_list`` an array; null is quietly empty."""
    assert SystemInfo.parse(None) is None
    assert PortMapping.parse_list(None) == ()
    assert _lines(debug_log) == []
    assert SystemInfo.parse([1, 2]) is None
    assert PortMapping.parse_list({"private_port": 80}) == ()
    assert PortMapping.parse_list([{"private_port": 80}, 5, "x", None]) == (
        PortMapping(private_port=80),
    )
    lines = _lines(debug_log)
    assert len(lines) == 2
    assert "SystemInfo.<payload>" in lines[0] and "PortMapping.<list>" in lines[1]


def test_big_integers_are_exact() -> None:
    """Integers up to Go's uint64 stay exact ints (byte counts above 2**53)."""
    for value in (2**53 + 1, 2**64 - 1, -(2**63)):
        assert ZFSPool.from_dict({"size_bytes": value}).size_bytes == value


@pytest.mark.parametrize(
    "value",
    [2**64, 2**70, -(2**63) - 1, 10**30, 10**400, float("inf"), float("-inf"),
     float("nan"), 1e308, 2.0**64],
)  # fmt: skip
def test_numbers_the_agent_cannot_send_are_wrong_types(
    value: float, debug_log: pytest.LogCaptureFixture
) -> None:
    """Non-finite floats and numbers beyond 64 bits are ignored like a wrong type."""
    pool = ZFSPool.from_dict({"size_bytes": value, "dedup_ratio": value, "name": "p"})
    assert (pool.size_bytes, pool.dedup_ratio, pool.name) == (None, None, "p")
    assert any("ZFSPool.dedup_ratio" in line for line in _lines(debug_log))


def test_parity_history_latest() -> None:
    """``latest`` is the newest dated record, across offsets; undated ones skipped."""
    tz = timezone(timedelta(hours=10))
    history = ParityCheckHistory.from_dict(
        {
            "records": [
                {
                    "action": "Parity-Check",
                    "date": "2026-10-01T03:00:00+10:00",
                    "status": "OK",
                },
                {
                    "action": "Parity-Check",
                    "date": "2026-11-01T03:00:00+10:00",
                    "status": "OK",
                },
                {"action": "Parity-Sync", "date": "0001-01-01T00:00:00Z"},
                {
                    "action": "Parity-Check",
                    "date": "2026-10-31T18:00:00Z",
                    "status": "Canceled",
                },
            ]
        }
    )
    # 2026-10-31T18:00Z is an hour after 2026-11-01T03:00+10:00 (17:00Z)
    assert history.latest == ParityCheckRecord(
        action="Parity-Check",
        date=datetime(2026, 10, 31, 18, tzinfo=UTC),
        status="Canceled",
    )
    assert history.records is not None
    assert history.records[1].date == datetime(2026, 11, 1, 3, tzinfo=tz)
    assert ParityCheckHistory().latest is None
    assert ParityCheckHistory.from_dict({"records": []}).latest is None
    assert ParityCheckHistory.from_dict({"records": [{"action": "x"}]}).latest is None


def test_placeholder_flag() -> None:
    """``is_placeholder`` only for the pre-collection answer."""
    assert SystemInfo(hostname="unknown", agent_version="").is_placeholder
    assert SystemInfo(hostname="unknown").is_placeholder
    assert not SystemInfo(hostname="unknown", agent_version="2026.08.01").is_placeholder
    assert not SystemInfo(hostname="tower").is_placeholder


def test_models_are_frozen() -> None:
    """Models are immutable values."""
    status = SourceStatus(state="healthy")
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.state = "degraded"  # type: ignore[misc]
    assert status == SourceStatus.from_dict({"state": "healthy"})
    assert hash(status) == hash(SourceStatus(state="healthy"))


def test_subclass_gets_its_own_plan() -> None:
    """The conversion plan is per class, never inherited by a subclass."""

    @dataclass(frozen=True, kw_only=True, slots=True)
    class Extended(SourceStatus):
        extra: int | None = None

    SourceStatus.from_dict({})
    parsed = Extended.from_dict({"state": "healthy", "extra": 3})
    assert (parsed.state, parsed.extra) == ("healthy", 3)
    assert "_plan" in Extended.__dict__ and "_plan" in SourceStatus.__dict__


def test_unsupported_field_types_are_refused() -> None:
    """A model declared with a type the parser cannot convert fails loudly."""

    @dataclass(frozen=True, kw_only=True, slots=True)
    class TwoTypes(_base.Model):
        value: int | str | None = None

    @dataclass(frozen=True, kw_only=True, slots=True)
    class AList(_base.Model):
        values: list[int] | None = None

    with pytest.raises(TypeError, match="unsupported union"):
        TwoTypes.from_dict({})
    with pytest.raises(TypeError, match="unsupported field type"):
        AList.from_dict({})


def test_zero_times_inside_containers() -> None:
    """Zero times inside lists and maps are dropped like wrong-typed elements."""

    @dataclass(frozen=True, kw_only=True, slots=True)
    class Times(_base.Model):
        times: tuple[datetime, ...] | None = None
        by_name: dict[str, datetime] | None = None

    zero, real = "0001-01-01T00:00:00Z", "2026-11-20T18:00:00+10:00"
    parsed = Times.from_dict(
        {"times": [zero, real, 5], "by_name": {"a": zero, "b": real}}
    )
    moment = datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert parsed.times == (moment,)
    assert parsed.by_name == {"b": moment}


def test_datetime_stand_in_is_a_time() -> None:
    """A ``datetime`` subclass in a hint (a frozen test clock) still parses times."""

    @dataclass(frozen=True, kw_only=True, slots=True)
    class Stamped(_base.Model):
        when: FakeDatetime | None = None

    parsed = Stamped.from_dict({"when": "2026-11-20T18:00:00+10:00"})
    assert parsed.when == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert Stamped.from_dict({"when": "0001-01-01T00:00:00Z"}).when is None
