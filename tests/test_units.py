"""Unit tests of small pure helpers: cron, item keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.api.models import (
    CollectorsStatus,
    GPUMetrics,
    ShareInfo,
)
from custom_components.unraid_management_agent.cron import next_run
from custom_components.unraid_management_agent.data import (
    Extra,
    UnraidData,
    index_items,
)

AFTER = datetime(2026, 11, 20, 8, 0, tzinfo=timezone(timedelta(hours=10)))  # a Friday


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("0 3 1 * *", datetime(2026, 12, 1, 3, 0)),
        ("0 0 1 1 *", datetime(2027, 1, 1, 0, 0)),
        ("30 2 * * 0", datetime(2026, 11, 22, 2, 30)),
        ("0 3 * * 7", datetime(2026, 11, 22, 3, 0)),
        ("0 3 * * 1-7", datetime(2026, 11, 21, 3, 0)),
        ("*/15 * * * *", datetime(2026, 11, 20, 8, 15)),
        ("0 9 * * 5", datetime(2026, 11, 20, 9, 0)),
        ("0 3 1,15 * *", datetime(2026, 12, 1, 3, 0)),
        ("0 0 1-7 * 1", datetime(2026, 11, 23, 0, 0)),  # day of month OR weekday
        ("5 4 * 2 *", datetime(2027, 2, 1, 4, 5)),
        ("0 0/6 * * *", datetime(2026, 11, 20, 12, 0)),
    ],
)
def test_next_run(expression: str, expected: datetime) -> None:
    """Standard five-field expressions, in the offset of ``after``."""
    assert next_run(expression, AFTER) == expected.replace(tzinfo=AFTER.tzinfo)


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "0 3 * *",
        "x 3 * * *",
        "0 24 * * *",
        "0 3 0 * *",
        "0 3 * 13 *",
        "0 3 * * 8",
        "5-1 * * * *",
        "*/0 * * * *",
        "0 3 31 2 *",
    ],
)
def test_next_run_refuses(expression: str) -> None:
    """Malformed or never-matching expressions give None."""
    assert next_run(expression, AFTER) is None


def test_next_run_is_strictly_after() -> None:
    """A time exactly at a run gives the following run."""
    at = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    assert next_run("0 3 * * *", at) == datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def test_gpu_keys_fall_back_to_uuid_and_index() -> None:
    """GPUs are keyed by PCI id, else UUID, else index; keyless ones are dropped."""
    gpus = (
        GPUMetrics(pci_id="0000:01:00.0", index=1),
        GPUMetrics(uuid="GPU-1234", index=2),
        GPUMetrics(index=3),
        GPUMetrics(name="no key at all"),
    )
    assert list(index_items(Topic.GPU, gpus)) == ["0000:01:00.0", "GPU-1234", "gpu3"]


def test_items_without_a_name_are_dropped() -> None:
    """A share without a name cannot be an entity."""
    shares = (ShareInfo(name="media"), ShareInfo(name=""), ShareInfo())
    assert list(index_items(Topic.SHARES, shares)) == ["media"]


def test_extra_slots() -> None:
    """REST-only data is reachable by name."""
    data = UnraidData()
    assert data.collectors is None
    data.objects[Extra.COLLECTORS] = CollectorsStatus(total=22)
    assert data.collectors is not None
    assert data.collectors.total == 22
