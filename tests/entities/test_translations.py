"""Names, states, icons and messages: every key translated, nothing raw."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import EntityDescription
import homeassistant.helpers.entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent import catalog, event, sensor, update
from tests.helpers import Agent

from .conftest import entry_entities

PACKAGE = Path(catalog.__file__).parent.parent
EN = json.loads((PACKAGE / "translations" / "en.json").read_text(encoding="utf-8"))
ICONS = json.loads((PACKAGE / "icons.json").read_text(encoding="utf-8"))
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def descriptions() -> Iterator[tuple[str, EntityDescription]]:
    """Every entity description of the integration, with its platform."""
    yield from (("sensor", d) for d in catalog.SERVER_SENSORS)
    yield from (("binary_sensor", d) for d in catalog.SERVER_BINARY_SENSORS)
    yield from (("button", d) for d in catalog.SERVER_BUTTONS)
    for platform, grouped in (
        ("sensor", catalog.ITEM_SENSORS),
        ("binary_sensor", catalog.ITEM_BINARY_SENSORS),
        ("button", catalog.ITEM_BUTTONS),
        ("switch", catalog.ITEM_SWITCHES),
        ("update", catalog.ITEM_UPDATES),
    ):
        for _group, group_descriptions in grouped:
            yield from ((platform, d) for d in group_descriptions)
    yield from (
        ("sensor", d)
        for d in (sensor.CONNECTION_MODE, sensor.LAST_FRAME, sensor.UPS_ENERGY)
    )
    yield ("update", update.OS_UPDATE)
    yield ("event", event.NOTIFICATION_EVENT)


def test_every_description_is_translated() -> None:
    """Each description has a translation key with a name (and states for enums)."""
    used: dict[str, set[str]] = {}
    for platform, description in descriptions():
        key = description.translation_key
        assert key, description.key
        used.setdefault(platform, set()).add(key)
        strings = EN["entity"][platform].get(key)
        assert strings is not None, (platform, key)
        assert strings.get("name"), (platform, key)
        options = getattr(description, "options", None)
        if options is not None:
            assert set(strings["state"]) == set(options), key
            assert "unknown" not in options, key  # that is Home Assistant's own state
    # Nothing translated that no entity uses.
    assert {platform: set(keys) for platform, keys in EN["entity"].items()} == used


def test_icons_match_translations() -> None:
    """icons.json only names translation keys (and states) that exist."""
    for platform, icons in ICONS["entity"].items():
        for key, icon in icons.items():
            strings = EN["entity"][platform].get(key)
            assert strings is not None, (platform, key)
            assert icon["default"].startswith("mdi:"), key
            for state, state_icon in icon.get("state", {}).items():
                assert state_icon.startswith("mdi:"), (key, state)
                if platform in ("binary_sensor", "switch"):
                    assert state in ("on", "off"), (key, state)
                else:
                    assert state in strings["state"], (key, state)


def test_exception_messages() -> None:
    """The control errors carry the target and the agent's message."""
    exceptions = EN["exceptions"]
    for key, placeholders in (
        ("invalid_request", {"target", "error"}),
        ("action_rejected", {"target", "message"}),
        ("action_unreachable", {"target", "error"}),
    ):
        assert set(PLACEHOLDER.findall(exceptions[key]["message"])) == placeholders


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("sim_options", [{"scenario": "large"}])
async def test_every_entity_has_a_translated_name(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    sim_options: dict[str, Any],
) -> None:
    """No entity without a name, and no raw key or placeholder in a name."""
    entries = entry_entities(hass, loaded)
    assert len(entries) > 2000
    registry = er.async_get(hass)
    for item in entries:
        assert item.translation_key, item.entity_id
        assert item.original_name, item.entity_id
        assert "{" not in item.original_name, item.entity_id
        assert item.original_name != item.translation_key, item.entity_id
        state = hass.states.get(item.entity_id)
        assert state is not None
        assert state.attributes.get("friendly_name"), item.entity_id
        assert registry.async_get(item.entity_id) is not None
    assert not [item.entity_id for item in entries if item.entity_id.endswith("_2")]


def _flatten(strings: dict[str, Any], path: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in strings.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}{key}."))
        else:
            flat[f"{path}{key}"] = value
    return flat


@pytest.mark.parametrize("language", ["de", "nl"])
def test_other_languages_mirror_english(language: str) -> None:
    """Same keys as en.json, every string present, the same placeholders."""
    english = _flatten(EN)
    path = PACKAGE / "translations" / f"{language}.json"
    other = _flatten(json.loads(path.read_text(encoding="utf-8")))
    assert sorted(other) == sorted(english)
    for key, text in other.items():
        assert isinstance(text, str), key
        assert text.strip(), key
        assert sorted(PLACEHOLDER.findall(text)) == sorted(
            PLACEHOLDER.findall(english[key])
        ), key
    # Translated, not copied: most strings differ from English.
    same = [key for key, text in other.items() if text == english[key]]
    assert len(same) < len(english) // 5, same
