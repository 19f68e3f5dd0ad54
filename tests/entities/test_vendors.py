"""Makers from model names, and UPS states from raw statuses."""

from __future__ import annotations

import pytest

from custom_components.unraid_management_agent.catalog.vendors import (
    UPS_STATE_OPTIONS,
    maker_of,
    ups_on_battery,
    ups_state,
)


@pytest.mark.parametrize(
    ("model", "maker"),
    [
        ("WDC WD100EFAX-68LHPN0", "Western Digital"),
        ("WD_BLACK SN850X 2000GB", "Western Digital"),
        ("ST8000VN004-2M2101", "Seagate"),
        ("Samsung SSD 970 EVO Plus 1TB", "Samsung"),
        ("TOSHIBA MG08ACA16TE", "Toshiba"),
        ("HGST HUH721010ALE604", "HGST"),
        ("CT1000MX500SSD1", "Crucial"),
        ("INTEL SSDPEKNW010T8", "Intel"),
        ("SanDisk Cruzer Fit", "SanDisk"),
        ("Back-UPS XS 1500G", "APC"),
        ("CP1500PFCLCD", "CyberPower"),
        ("Eaton 5E 1100i", "Eaton"),
        ("Virtual disk", None),
        ("", None),
        (None, None),
    ],
)
def test_maker_of(model: str | None, maker: str | None) -> None:
    """Only what the model name says; nothing guessed."""
    assert maker_of(model) == maker


@pytest.mark.parametrize(
    ("status", "state", "battery"),
    [
        ("ONLINE", "online", False),
        ("OL", "online", False),
        ("OL CHRG", "charging", False),
        ("ONBATT", "on_battery", True),
        ("OB DISCHRG", "on_battery", True),
        ("OB LB", "low_battery", True),
        ("LOWBATT", "low_battery", True),
        ("SHUTTING DOWN", "shutting_down", False),
        ("OL RB", "replace_battery", False),
        ("COMMLOST", "offline", False),
        ("OL TRIM", "trimming", False),
        ("something new", None, False),
        ("", None, None),
        (None, None, None),
    ],
)
def test_ups_state(status: str | None, state: str | None, battery: bool | None) -> None:
    """APC and NUT statuses map to one translated state; raw text stays an attribute."""
    assert ups_state(status) == state
    assert state is None or state in UPS_STATE_OPTIONS
    assert ups_on_battery(status) is battery
