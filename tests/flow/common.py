"""Helpers for the config-flow tests: translations and discovery info."""

from __future__ import annotations

from ipaddress import ip_address
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

import custom_components.unraid_management_agent as integration

STRINGS: dict[str, Any] = json.loads(
    (Path(integration.__file__).parent / "translations" / "en.json").read_text(
        encoding="utf-8"
    )
)

#: What the simulator's ``home`` scenario reports.
HOSTNAME = "tower"
GUID = "0781-5583-8355-81071a2b3c4d"


def assert_translated(result: Any, section: str = "config") -> None:
    """Every field, error, abort reason and placeholder of a result has its text."""
    strings = STRINGS[section]
    if result["type"] is FlowResultType.ABORT:
        assert result["reason"] in strings["abort"], result["reason"]
        return
    if result["type"] is not FlowResultType.FORM:
        return
    step = strings["step"][result["step_id"]]
    for key in result["data_schema"].schema:
        assert str(key) in step.get("data", {}), (result["step_id"], str(key))
        assert str(key) in step.get("data_description", {}), (
            result["step_id"],
            str(key),
        )
    for field, error in (result["errors"] or {}).items():
        assert error in strings["error"], error
        assert field == "base" or field in step["data"], field
    wanted = set(re.findall(r"{(\w+)}", step.get("description", "")))
    assert wanted <= set(result["description_placeholders"] or {}), wanted


def zeroconf_info(
    port: int, host: str = "127.0.0.1", **properties: str
) -> ZeroconfServiceInfo:
    """Build what Home Assistant's zeroconf gives for an agent announcing itself."""
    address = ip_address(host)
    return ZeroconfServiceInfo(
        ip_address=address,
        ip_addresses=[address],
        hostname=f"{HOSTNAME}.local.",
        name=f"{HOSTNAME}._unraid-mgmt-agent._tcp.local.",
        port=port,
        type="_unraid-mgmt-agent._tcp.local.",
        properties={
            "version": "2026.08.01",
            "path": "/api/v1",
            "name": HOSTNAME,
            "scheme": "http",
            **properties,
        },
    )
