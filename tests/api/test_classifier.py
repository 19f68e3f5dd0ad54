"""Classifier correctness: every topic's payload, both generations, old agents."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
import json
from typing import Any

import pytest

from custom_components.unraid_management_agent.api import (
    LIST_TOPICS,
    PARSERS,
    SIGNATURES,
    Classification,
    FrameKind,
    Topic,
    classify,
    classify_payload,
    decode_frame,
)
from custom_components.unraid_management_agent.api.events import build_event
from custom_components.unraid_management_agent.api.models import NetworkInfo, SystemInfo
from uma_simulator import Simulator
from uma_simulator.dto import make
from uma_simulator.routes_read import merged_containers

from .conftest import START, wire

#: Payload fields added after 2026.03 (see the reference's timeline), by topic.
NEW_FIELDS: dict[Topic, set[str]] = {
    Topic.SYSTEM: {
        "agent_version",
        "swap_usage_percent",
        "swap_total_bytes",
        "swap_used_bytes",
        "swap_free_bytes",
        "swappiness",
        "cpu_power_watts",
        "dram_power_watts",
        "source_status",
    },
    Topic.CONTAINERS: {
        "update_status",
        "update_available",
        "update_checked",
        "restart_count",
        "mac_address",
        "network_rx_bytes",
        "network_tx_bytes",
        "network_rx_bytes_per_sec",
        "network_tx_bytes_per_sec",
        "source_status",
    },
    Topic.VMS: {"id", "source_status"},
    Topic.HARDWARE: {"chassis", "tpm", "boot"},
    Topic.ZFS_POOLS: {"corrupted_files", "is_boot_pool"},
    Topic.ZFS_ARC: {"configured_max_bytes"},
    Topic.NETWORK: {"rx_bytes_per_sec", "tx_bytes_per_sec"},
    Topic.ARRAY: {"source_status"},
    Topic.DISKS: {"source_status", "io_utilization_percent"},
    Topic.SHARES: {"source_status", "cache_pool", "cache_pool2", "mover_action"},
}

SCENARIOS = ("home", "large")


def _collected(scenario: str) -> Simulator:
    """Return a simulator whose every collector ran once."""
    sim = Simulator(scenario=scenario, seed=1, start_time=START)
    sim.advance(0)
    sim.advance(61)
    sim.publish("nut_status_update")
    return sim


def _payloads() -> list[tuple[str, Topic, Any]]:
    """(label, topic, wire payload) for every signature, from both scenarios."""
    cases: list[tuple[str, Topic, Any]] = []
    for scenario in SCENARIOS:
        sim = _collected(scenario)
        for name, payload in sim.caches.items():
            topic = Topic(name)
            data = wire(payload)
            cases.append((f"{scenario}-{name}", topic, data))
            if topic in LIST_TOPICS:
                cases.append((f"{scenario}-{name}-first", topic, data[:1]))
        cases.append(
            (f"{scenario}-rest-docker", Topic.CONTAINERS, wire(merged_containers(sim)))
        )
    stamp = "2026-11-20T18:00:00+10:00"
    cases.append(
        (
            "source-status",
            Topic.SOURCE_STATUS,
            wire(
                make(
                    "SourceStatus",
                    subsystem="docker",
                    state="unavailable",
                    reason="socket missing",
                    last_checked=stamp,
                    last_error="dial unix",
                )
            ),
        )
    )
    cases.append(
        (
            "agent-stream",
            Topic.AGENT_STREAM,
            {"event": "agent_reply", "timestamp": stamp, "data": {"text": "ok"}},
        )
    )
    return cases


CASES = _payloads()


def _elements(topic: Topic, data: Any) -> list[dict[str, Any]]:
    return data if topic in LIST_TOPICS else [data]


def test_every_signature_has_cases() -> None:
    """Each signature topic is exercised, lists with real (non-empty) payloads."""
    covered = {topic for _, topic, data in CASES if data}
    assert {sig.topic for sig in SIGNATURES} == covered
    zfs = {Topic.ZFS_POOLS, Topic.ZFS_DATASETS, Topic.ZFS_SNAPSHOTS, Topic.ZFS_ARC}
    assert zfs <= {topic for label, topic, _ in CASES if label.startswith("large")}
    # COLLECTOR_STATE is the only topic recognised by data.event, not by keys
    assert set(Topic) - covered == {Topic.COLLECTOR_STATE}


@pytest.mark.parametrize(("label", "topic", "data"), CASES, ids=[c[0] for c in CASES])
def test_payload_classifies_exactly(label: str, topic: Topic, data: Any) -> None:
    """``classify_payload`` returns exactly the topic; no other signature matches."""
    assert classify_payload(data) == Classification(FrameKind.TOPIC, topic)
    assert classify("update", data) == Classification(FrameKind.TOPIC, topic)
    for element in _elements(topic, data):
        matching = {sig.topic for sig in SIGNATURES if sig.matches(set(element))}
        assert matching == {topic}, label


@pytest.mark.parametrize(("label", "topic", "data"), CASES, ids=[c[0] for c in CASES])
def test_old_agent_payload_classifies(label: str, topic: Topic, data: Any) -> None:
    """The same payloads without the fields added after 2026.03 still classify."""
    drop = NEW_FIELDS.get(topic, set())
    old = copy.deepcopy(data)
    for element in _elements(topic, old):
        for key in drop:
            element.pop(key, None)
    assert classify_payload(old) == Classification(FrameKind.TOPIC, topic)
    for element in _elements(topic, old):
        matching = {sig.topic for sig in SIGNATURES if sig.matches(set(element))}
        assert matching == {topic}, label


@pytest.mark.parametrize("topic", sorted(LIST_TOPICS))
def test_empty_list_is_ambiguous(topic: Topic) -> None:
    """An empty list under ``"update"`` could be any list topic."""
    assert classify("update", []) == Classification(FrameKind.AMBIGUOUS)
    # with the topic name it is simply an empty list of that topic
    assert classify(str(topic), []) == Classification(FrameKind.TOPIC, topic)
    assert build_event({"event": str(topic), "data": []}).payload == ()


@pytest.mark.parametrize(("label", "topic", "data"), CASES, ids=[c[0] for c in CASES])
def test_named_and_legacy_frames_agree(label: str, topic: Topic, data: Any) -> None:
    """A whole frame decodes to the same event whichever ``event`` it carries."""
    named = decode_frame(
        json.dumps({"event": str(topic), "timestamp": "t", "data": data})
    )
    legacy = decode_frame(
        json.dumps({"event": "update", "timestamp": "t", "data": data})
    )
    assert (
        (named.kind, named.topic)
        == (legacy.kind, legacy.topic)
        == (FrameKind.TOPIC, topic)
    )
    assert named.payload == legacy.payload
    if topic in PARSERS:
        assert named.payload == PARSERS[topic](data)
    else:
        assert named.payload == data


def test_collector_state_change() -> None:
    """Recognised by ``data.event`` before any signature."""
    data = wire(
        make(
            "CollectorStateEvent",
            event="collector_state_change",
            collector="docker",
            enabled=True,
            status="running",
            interval=30,
            timestamp="2026-11-20T18:00:00+10:00",
        )
    )
    assert classify("update", data) == Classification(
        FrameKind.TOPIC, Topic.COLLECTOR_STATE
    )
    event = build_event({"event": "update", "timestamp": "t", "data": data})
    assert event.payload.collector == "docker" and event.payload.interval == 30


@pytest.mark.parametrize(
    ("event", "data", "expected"),
    [
        (None, {}, Classification(FrameKind.GARBAGE)),
        (7, {"hostname": "x"}, Classification(FrameKind.GARBAGE)),
        ("flux_update", {}, Classification(FrameKind.UNKNOWN)),
        ("UPDATE", {}, Classification(FrameKind.UNKNOWN)),
        ("update", {}, Classification(FrameKind.UNKNOWN)),
        ("update", {"gigawatts": 1.21}, Classification(FrameKind.UNKNOWN)),
        ("update", [1, 2], Classification(FrameKind.UNKNOWN)),
        ("update", [{"x": 1}], Classification(FrameKind.UNKNOWN)),
        ("update", "text", Classification(FrameKind.UNKNOWN)),
        ("update", None, Classification(FrameKind.AMBIGUOUS)),  # Go's empty slice
        ("update", 3.5, Classification(FrameKind.UNKNOWN)),
        ("system_update", None, Classification(FrameKind.TOPIC, Topic.SYSTEM)),
        ("agent_stream", {}, Classification(FrameKind.TOPIC, Topic.AGENT_STREAM)),
        (
            "collector_state_change",
            {},
            Classification(FrameKind.TOPIC, Topic.COLLECTOR_STATE),
        ),
    ],
)
def test_classify_edges(event: object, data: object, expected: Classification) -> None:
    """Odd envelopes: non-string event, unknown names, odd payload types."""
    assert classify(event, data) == expected


def test_build_event_edges() -> None:
    """Envelopes without ``data`` are garbage; payloads of unparsed topics stay raw."""
    assert build_event([1, 2]).kind is FrameKind.GARBAGE
    assert build_event({"event": "system_update"}).kind is FrameKind.GARBAGE
    odd = build_event({"event": 5, "data": {"a": 1}}, size=9)
    assert (odd.kind, odd.name, odd.payload, odd.size) == (
        FrameKind.GARBAGE,
        "",
        {"a": 1},
        9,
    )
    fans = build_event({"event": "fan_control_update", "data": {"fans": []}})
    assert (fans.topic, fans.payload) == (Topic.FAN_CONTROL, {"fans": []})
    wrong = build_event({"event": "system_update", "data": [1]})
    assert (wrong.kind, wrong.topic, wrong.payload) == (
        FrameKind.TOPIC,
        Topic.SYSTEM,
        None,
    )


def test_decode_frame_big_numbers() -> None:
    """uint64 counters arrive exactly; what orjson refuses goes to the fallback.

    Go's ``uint64`` tops out at 2**64 - 1, which orjson keeps as an int.
    (orjson turns larger integers into floats rather than refusing them; no
    agent field can carry one.)
    """
    top = 2**64 - 1
    frame = (
        '{"event":"network_list_update","timestamp":"t","data":'
        f'[{{"name":"eth0","mac_address":"m","bytes_received":{top}}}]}}'
    )
    event = decode_frame(frame)
    assert event.payload == (
        NetworkInfo(name="eth0", mac_address="m", bytes_received=top),
    )

    # 10**400 is refused by orjson ("infinity as double"): decoded exactly by
    # the fallback, and refused (None) by int and float fields alike: no agent
    # number is that wide.
    huge = 10**400
    frame = (
        '{"event":"update","data":{"hostname":"h","ram_usage_percent":1,'
        f'"cpu_usage_percent":{huge},"uptime_seconds":{huge}}}}}'
    )
    event = decode_frame(frame)
    assert event.topic is Topic.SYSTEM
    assert event.payload.uptime_seconds is None
    assert event.payload.cpu_usage_percent is None


def test_decode_frame_nan_and_infinity() -> None:
    """NaN and Infinity (refused by orjson) decode; neither is a usable float."""
    raw = b'{"event":"update","data":{"hostname":"h","cpu_usage_percent":NaN,"ram_usage_percent":Infinity}}'
    event = decode_frame(raw)
    assert event.topic is Topic.SYSTEM
    assert isinstance(event.payload, SystemInfo)
    assert event.payload.cpu_usage_percent is None
    assert event.payload.ram_usage_percent is None
    assert event.size == len(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "{",
        b"\xff\xfe",
        bytes(range(256)),
        '"just a string"',
        "[1,2,3]",
        "null",
        '{"hello":"world"}',
        "[" * 30_000 + "]" * 30_000,
        '{"event":"update","data":' + "[" * 30_000 + "]" * 30_000 + "}",
    ],
    ids=lambda r: repr(r[:12]),
)
def test_decode_frame_garbage(raw: str | bytes) -> None:
    """Nothing the agent (or a broken proxy) sends makes ``decode_frame`` raise."""
    event = decode_frame(raw)
    assert event.kind is FrameKind.GARBAGE
    assert event.size == len(raw)


def test_time_zones_survive() -> None:
    """Agent timestamps keep their offset (local for most, UTC for notifications)."""
    event = decode_frame(
        '{"event":"update","data":{"hostname":"h","cpu_usage_percent":1,'
        '"ram_usage_percent":2,"timestamp":"2026-06-10T09:47:12.123456789+10:00"}}'
    )
    assert event.payload.timestamp == datetime(
        2026, 6, 9, 23, 47, 12, 123456, tzinfo=UTC
    )
