"""The tables of agent facts: generations by version, and the value corrections."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.api.corrections import (
    CORRECTIONS,
    correct,
    corrections_for,
)
from custom_components.unraid_management_agent.api.generations import (
    FIRST_PACE,
    GENERATIONS,
    NEWEST,
    RATE_LIMITS,
    UNVERSIONED,
    generation_for,
    parse_version,
    rate_limit_for,
)
from custom_components.unraid_management_agent.api.models import DiskInfo, ShareInfo
from custom_components.unraid_management_agent.freshness import Freshness
from uma_simulator.profiles import PROFILES, Profile


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("2026.08.01", (2026, 8, 1)),
        ("v2025.11.0", (2025, 11, 0)),
        (" 2026.3.4-beta ", (2026, 3, 4)),
        ("dev", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_version(text: str | None, version: tuple[int, ...] | None) -> None:
    """CalVer with or without a ``v`` and a suffix; anything else is no version."""
    assert parse_version(text) == version


@pytest.mark.parametrize(
    ("agent_version", "label"),
    [
        ("2025.11.5", "2025.11.0–2025.11.11"),
        ("2025.11.26", "2025.11.12–2025.12"),
        ("2026.02.01", "2026.01–2026.02"),
        ("2026.03.00", "2026.03.00–2026.06.00"),
        ("2026.06.00", "2026.03.00–2026.06.00"),
        ("2026.06.01", "2026.06.01 and later"),
        ("2027.01.00", "2026.06.01 and later"),
        ("2024.01.01", "2025.11.0–2025.11.11"),  # older than any: the oldest
    ],
)
def test_generation_for(agent_version: str, label: str) -> None:
    """Each version falls in the span of releases that behave alike."""
    assert generation_for(agent_version).label == label


def test_unversioned_and_unparsable() -> None:
    """No version: older than 2025.11.22; a development build: the newest."""
    assert generation_for(None) is UNVERSIONED is GENERATIONS[0]
    assert generation_for("") is UNVERSIONED
    assert generation_for("main-abc123") is NEWEST
    assert not UNVERSIONED.named_events and NEWEST.named_events
    assert Topic.NOTIFICATIONS not in UNVERSIONED.pushed
    assert Topic.NOTIFICATIONS in NEWEST.pushed


def test_corrections_by_version() -> None:
    """Each bug is corrected until the release that fixed it."""
    assert corrections_for(None) == CORRECTIONS
    assert corrections_for("not-a-version") == ()
    assert corrections_for("2026.08.01") == ()
    assert [c.fixed_in for c in corrections_for("2026.03.00")] == [
        (2026, 3, 1),
        (2026, 3, 4),
    ]
    assert len(corrections_for("2026.02.01")) == 3


def test_correct_disks_and_shares() -> None:
    """Half sizes doubled, KiB made bytes, ticks dropped; unknowns stay unknown."""
    fixes = corrections_for("2026.02.01")
    disks = (
        DiskInfo(id="a", size_bytes=500, io_utilization_percent=1234.5),
        DiskInfo(id="b"),
    )
    assert correct(Topic.DISKS, disks, fixes) == (
        DiskInfo(id="a", size_bytes=1000),
        DiskInfo(id="b"),
    )
    shares = (ShareInfo(name="s", used_bytes=1, free_bytes=2, total_bytes=None),)
    assert correct(Topic.SHARES, shares, fixes) == (
        ShareInfo(name="s", used_bytes=1024, free_bytes=2048, total_bytes=None),
    )
    assert correct(Topic.SYSTEM, None, fixes) is None
    assert correct(Topic.DISKS, disks, ()) is disks


def test_freshness_learns_and_observes() -> None:
    """Cadences learned from the agent's stamps; topics seen are taken as pushed."""
    freshness = Freshness((Topic.SYSTEM, Topic.NOTIFICATIONS))
    freshness.set_agent_version("2026.02.01")
    assert not freshness.pushed(Topic.NOTIFICATIONS)
    assert freshness.limit(Topic.NOTIFICATIONS) == 60.0
    start = datetime(2026, 11, 20, tzinfo=UTC)
    for step in range(4):
        sent = start + timedelta(seconds=60 * step)
        freshness.frame(Topic.SYSTEM, sent, sent)
        freshness.frame(Topic.SYSTEM, sent, sent + timedelta(milliseconds=10))
    freshness.frame(Topic.NOTIFICATIONS, start, None)
    freshness.frame(Topic.ZFS_POOLS, start, None)  # not kept: ignored
    freshness.rest(Topic.ZFS_POOLS, start)
    # Bursts (10 ms apart) are not learned as the cadence.
    assert freshness.clocks[Topic.SYSTEM].cadence == pytest.approx(60, abs=0.1)
    assert freshness.stall_limit == pytest.approx(4 * 60 + 15, abs=0.5)
    assert freshness.pushed(Topic.NOTIFICATIONS)  # it did arrive
    freshness.set_intervals(
        {Topic.SYSTEM: 10, Topic.ZFS_POOLS: 5, Topic.NOTIFICATIONS: 0}
    )
    assert freshness.clocks[Topic.SYSTEM].interval == 10
    assert freshness.clocks[Topic.NOTIFICATIONS].interval == 30
    freshness.stream_lost()
    later = start + timedelta(hours=1)
    freshness.frame(Topic.SYSTEM, later, later)  # the gap is no cadence
    assert freshness.clocks[Topic.SYSTEM].cadence == pytest.approx(60, abs=0.1)


@pytest.mark.parametrize(
    ("agent_version", "agent", "pace"),
    [
        (None, None, (40.0, 80)),  # before v2025.11.22: no version, no limit
        ("2025.11.26", None, (40.0, 80)),
        ("2026.03.04", None, (40.0, 80)),
        ("2026.04.01", (10.0, 20), (5.0, 10)),
        ("2026.06.03", (10.0, 20), (5.0, 10)),
        ("2026.06.04", (50.0, 100), (40.0, 80)),
        ("2026.08.01", (50.0, 100), (40.0, 80)),
        ("main-abc123", (50.0, 100), (40.0, 80)),  # a development build: newest
    ],
)
def test_rate_limit_for(
    agent_version: str | None,
    agent: tuple[float, int] | None,
    pace: tuple[float, int],
) -> None:
    """Each version gets its generation's limit and the pace kept under it."""
    limit = rate_limit_for(agent_version)
    assert (limit.agent, limit.pace) == (agent, pace)


def test_paces_stay_under_the_agents_limits() -> None:
    """A margin under a per-client limit; half of a bucket shared with the web UI."""
    assert [limit.since for limit in RATE_LIMITS] == sorted(
        limit.since for limit in RATE_LIMITS
    )
    for limit in RATE_LIMITS:
        rate, burst = limit.pace
        assert rate > 0 and burst >= 1
        if limit.agent is None:
            continue
        share = 0.5 if limit.shared else 0.8
        assert rate <= limit.agent[0] * share and burst <= limit.agent[1] * share
    assert min(limit.pace for limit in RATE_LIMITS) == FIRST_PACE


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_rate_limits_match_the_simulated_generations(profile: Profile) -> None:
    """The table and the simulator's profiles tell the same limit for each generation."""
    limit = rate_limit_for(profile.agent_version if profile.versioned else None)
    assert limit.agent == profile.rate
    assert limit.agent is None or limit.shared is profile.rate_global
