"""Unit tests of the encoding helpers, DTO builder, validators and rate limiter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from uma_simulator import Simulator, validation
from uma_simulator.dto import ZERO_TIME, make, zero_value
from uma_simulator.mutations import safe_filename
from uma_simulator.ratelimit import RateLimiter
from uma_simulator.scenario_apps import (
    format_uptime,
    human_duration,
    memory_display,
    vm_memory_display,
)
from uma_simulator.scenario_storage import disk_role
from uma_simulator.scenarios import resolve_spec
from uma_simulator.wire import go_json, go_time


def test_go_time_formats() -> None:
    """RFC3339Nano with the local offset, trailing zeros trimmed; UTC with Z."""
    moment = datetime(2026, 11, 20, 8, 0, 0, 123400, tzinfo=UTC)
    assert go_time(moment) == "2026-11-20T18:00:00.1234+10:00"
    assert go_time(moment.replace(microsecond=0), utc=True) == "2026-11-20T08:00:00Z"


def test_go_json() -> None:
    """Compact, HTML-escaped, integral floats as ints, trailing newline, big ints exact."""
    assert (
        go_json({"a": 45.0, "b": 0.5, "c": "<&>", "d": 2**60, "e": [1.0]})
        == b'{"a":45,"b":0.5,"c":"\\u003c\\u0026\\u003e","d":1152921504606846976,"e":[1]}\n'
    )
    assert go_json(1e22) == b"1e+22\n"


def test_make_rules() -> None:
    """Zero values, omitempty, omitzero and unknown keys."""
    status = make("SourceStatus", subsystem="docker", state="healthy")
    assert status == {
        "subsystem": "docker",
        "state": "healthy",
        "last_checked": ZERO_TIME,
    }
    assert make("SourceStatus", last_healthy="2026-01-01T00:00:00Z")["last_healthy"]
    assert make("ContainerInfo")["port_mappings"] is None
    assert make("NotificationList")["overview"]["unread"] == {
        "info": 0,
        "warning": 0,
        "alert": 0,
        "total": 0,
    }
    assert zero_value("*SourceStatus") is None
    assert make("Response", success=True, data={"x": 1})["data"] == {"x": 1}
    with pytest.raises(KeyError):
        make("Response", succes=True)


def test_validators() -> None:
    """The agent's validator texts."""
    assert validation.container_id("") == "container ID cannot be empty"
    assert validation.container_id("ABCDEF012345") is None
    assert validation.container_ref("") and validation.container_ref("x" * 256)
    assert "path separators" in (validation.container_ref("a/b") or "")
    assert "null" in (validation.container_ref("a\x00") or "")
    assert validation.container_ref("plex") is None
    assert validation.container_ref("-bad") is not None
    assert validation.vm_name("") and validation.vm_name("x" * 254)
    assert "format" in (validation.vm_name("a/b") or "")
    assert "hyphen" in (validation.vm_name("-a") or "")
    assert "dot" in (validation.vm_name("a.") or "")
    assert validation.vm_name("Windows 11") is None
    for bad, text in (
        ("", "empty"),
        ("x" * 256, "too long"),
        ("a..b", "parent"),
        ("a/b", "separators"),
        ("a\x00", "null"),
        ("a b", "format"),
        ("-a", "hyphen"),
        (".a", "dot"),
    ):
        assert text in (validation.user_script_name(bad) or "")
    assert validation.user_script_name("backup") is None
    for bad, text in (
        ("", "empty"),
        ("/" * 4097, "4096"),
        ("//a/\n", "control"),
        ("-x", "hyphen"),
        ("//a/..", "'..'"),
        ("//a", "expected //server/share"),
        (":/x", "expected server:/export"),
        ("plain", "must be an SMB"),
    ):
        assert text in (validation.remote_share_source(bad) or "")
    assert validation.remote_share_source("nas:/export") is None


def test_rate_limiter() -> None:
    """Burst then refill at the configured rate."""
    now = [0.0]
    limiter = RateLimiter(10, 3, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    now[0] += 0.1
    assert limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")
    assert limiter.rejected == 2
    limiter.reset()
    assert limiter.allow("a")


def test_formatting_helpers() -> None:
    """Uptime, Docker durations, memory displays, disk roles, file names."""
    assert (
        format_uptime(59) == "0m"
        and format_uptime(3700) == "1h 1m"
        and format_uptime(90000) == "1d 1h 0m"
    )
    assert [
        human_duration(s)
        for s in (0, 5, 60, 600, 3600, 7200, 86400 * 3, 86400 * 20, 86400 * 90)
    ] == [
        "Less than a second",
        "5 seconds",
        "About a minute",
        "10 minutes",
        "About an hour",
        "2 hours",
        "3 days",
        "2 weeks",
        "3 months",
    ]
    assert (
        memory_display(0, 0) == "0 / 0"
        and memory_display(2**20, 2**29) == "1.00 MB / 512.00 MB"
    )
    assert vm_memory_display(0, 0) == "0 B / 0 B"
    assert [
        disk_role(n, "x")
        for n in ("parity2", "parity", "cache", "fastpool", "disk1", "flash")
    ] == ["parity2", "parity", "cache", "pool", "data", "unknown"]
    assert safe_filename(" Hello-World: (test) é ") == "Hello_World_test_"


def test_resolve_spec() -> None:
    """Scenario variants and unknown names."""
    assert resolve_spec("home", ups=False, gpu=False).gpus == ()
    with pytest.raises(ValueError, match="unknown scenario"):
        resolve_spec("nope")


def test_field_type_errors() -> None:
    """Go-style decode errors for wrong JSON types."""
    from uma_simulator.responses import BadBody, field

    for body, kind in (
        ([], bool),
        ({"k": 1}, bool),
        ({"k": True}, int),
        ({"k": 1.5}, str),
        ({"k": "x"}, int),
        ({"k": [1]}, str),
        ({"k": {}}, str),
    ):
        with pytest.raises(BadBody):
            field(body, "k", kind, "Req")
    assert field({"k": 3}, "k", int, "Req") == 3


def test_plugin_name_validation() -> None:
    """ValidatePluginName: empty, path components, bad characters, fine."""
    assert validation.plugin_name("") == "plugin name cannot be empty"
    assert "path components" in (validation.plugin_name("a/b") or "")
    assert "format" in (validation.plugin_name("a b") or "")
    assert validation.plugin_name("community.applications") is None


def test_main_stops_quietly_on_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C ends the CLI without a traceback."""
    from uma_simulator import __main__ as cli

    def interrupted(coro: object) -> None:
        coro.close()  # type: ignore[attr-defined]
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.asyncio, "run", interrupted)
    cli.main(["--port", "0"])


@pytest.mark.parametrize("scenario", ["home", "large", "minimal"])
def test_shares_fit_their_storage(scenario: str) -> None:
    """No share holds or offers more than the array or pool it lives on."""
    sim = Simulator(scenario)
    sim.advance(0)
    array = sim.state.array
    array_used = array["total_bytes"] - array["free_bytes"]
    on_array = [s for s in sim.state.shares if s["storage"] != "cache"]
    assert sum(s["used_bytes"] for s in on_array) <= array_used
    for share in sim.state.shares:
        assert share["total_bytes"] == share["used_bytes"] + share["free_bytes"]
        if share["storage"] == "cache":
            assert share["free_bytes"] < array["free_bytes"]
        else:
            assert share["free_bytes"] == array["free_bytes"]
