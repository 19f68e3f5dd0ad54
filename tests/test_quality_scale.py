"""quality_scale.yaml names every rule of the scale, each done or exempt with a reason."""

from __future__ import annotations

from pathlib import Path

import yaml

QUALITY_SCALE = (
    Path(__file__).parent.parent
    / "custom_components"
    / "unraid_management_agent"
    / "quality_scale.yaml"
)

#: Every rule of the integration quality scale (Home Assistant's
#: ``script/hassfest/quality_scale.py``), by tier.
RULES = {
    "bronze": (
        "action-setup appropriate-polling brands common-modules config-flow "
        "config-flow-test-coverage dependency-transparency docs-actions "
        "docs-conditions docs-high-level-description docs-installation-instructions "
        "docs-removal-instructions docs-triggers entity-event-setup entity-unique-id "
        "has-entity-name runtime-data test-before-configure test-before-setup "
        "unique-config-entry"
    ),
    "silver": (
        "action-exceptions config-entry-unloading docs-configuration-parameters "
        "docs-installation-parameters entity-unavailable integration-owner "
        "log-when-unavailable parallel-updates reauthentication-flow test-coverage"
    ),
    "gold": (
        "devices diagnostics discovery discovery-update-info docs-data-update "
        "docs-examples docs-known-limitations docs-supported-devices "
        "docs-supported-functions docs-troubleshooting docs-use-cases dynamic-devices "
        "entity-category entity-device-class entity-disabled-by-default "
        "entity-translations exception-translations icon-translations "
        "reconfiguration-flow repair-issues stale-devices"
    ),
    "platinum": "async-dependency inject-websession strict-typing",
}
ALL_RULES = {rule for names in RULES.values() for rule in names.split()}


def test_every_rule_is_real_and_decided() -> None:
    """No unknown rule, none missing, none ``todo``; every exemption says why."""
    rules = yaml.safe_load(QUALITY_SCALE.read_text())["rules"]
    assert len(ALL_RULES) == 54
    assert set(rules) == ALL_RULES
    for rule, value in rules.items():
        if isinstance(value, dict):
            assert value["status"] in ("done", "exempt"), rule
            if value["status"] == "exempt":
                assert len(value.get("comment", "")) > 20, rule
        else:
            assert value == "done", rule
