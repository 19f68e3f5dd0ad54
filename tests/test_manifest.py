"""The manifest and hacs.json are what hassfest and HACS expect."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration

from custom_components.unraid_management_agent.const import DOMAIN

ROOT = Path(__file__).parent.parent
MANIFEST = ROOT / "custom_components" / DOMAIN / "manifest.json"


def test_manifest_keys_sorted_as_hassfest_wants() -> None:
    """Domain, name, then the other keys alphabetically."""
    keys = list(json.loads(MANIFEST.read_text(encoding="utf-8")))
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_manifest_has_required_keys() -> None:
    """HACS and hassfest's custom-integration schema need these."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["domain"] == DOMAIN
    assert manifest["iot_class"] == "local_push"
    assert manifest["integration_type"] == "hub"
    assert manifest["config_flow"] is True
    assert manifest["requirements"] == []
    for key in ("codeowners", "documentation", "issue_tracker", "version"):
        assert manifest[key]


def test_hacs_json() -> None:
    """hacs.json names the integration and the minimum Home Assistant."""
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert hacs["name"]
    assert hacs["homeassistant"] == "2026.2.0"


async def test_integration_loads(hass: HomeAssistant) -> None:
    """Home Assistant finds and loads the integration from custom_components."""
    integration = await async_get_integration(hass, DOMAIN)
    assert integration.domain == DOMAIN
    assert integration.config_flow is True
    assert integration.version is not None
    assert (
        str(integration.version)
        == json.loads(MANIFEST.read_text(encoding="utf-8"))["version"]
    )
