"""Validate every REST GET answer of both scenarios against the agent's swagger.json.

Adaptations of the Swagger 2.0 definitions (documented here, applied in ``_schema``):

* Swagger 2.0 has no ``nullable``. Go encodes nil slices, maps and pointers as
  ``null``, so every array-, map- or pointer-typed property also accepts ``null``
  (e.g. ``SystemInfo.fans``, a stopped container's ``port_mappings``).
* Definitions get ``additionalProperties: false`` so a misspelt key fails.
* String enums (``dto.FanControlMethod`` ...) also accept ``""``: a zero struct such as
  the pre-collection ``/fans`` placeholder carries the Go zero value.
* ``/temperatures`` (``SystemInfo.temperatures``) may be ``null`` at top level.
* The response schema of each path is taken from ``paths[path].get.responses.200``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest

from .conftest import Factory

SWAGGER = json.loads(
    (Path(__file__).parent / "fixtures" / "swagger.json").read_text(encoding="utf-8")
)

PATHS = [
    "/health", "/system", "/array", "/disks", "/shares", "/docker", "/docker/updates",
    "/docker/networks", "/vm", "/ups", "/nut", "/gpu", "/network", "/hardware/full",
    "/registration", "/notifications", "/notifications/overview", "/notifications/unread",
    "/notifications/archive", "/unassigned", "/zfs/pools", "/zfs/datasets", "/zfs/snapshots",
    "/zfs/arc", "/plugins/check-updates", "/os/update", "/mover", "/array/parity-check/schedule",
    "/array/parity-check/history", "/system/flash", "/collectors/status", "/user-scripts", "/fans",
    "/tuning", "/temperatures", "/settings/disk-thresholds",
]  # fmt: skip


def _nullable(node: Any) -> Any:
    """Recursively allow ``null`` for arrays, maps and ``$ref`` pointers; forbid extra keys."""
    if isinstance(node, list):
        return [_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _nullable(v) for k, v in node.items()}
    if node.get("type") == "string" and "enum" in node:
        node["enum"] = [*node["enum"], ""]
    if "properties" in node and node.get("type") == "object":
        node["additionalProperties"] = False
        for key, prop in node["properties"].items():
            if (
                prop.get("type") in ("array", "object")
                or "allOf" in prop
                or "$ref" in prop
            ):
                node["properties"][key] = {"anyOf": [prop, {"type": "null"}]}
    return node


DEFINITIONS = _nullable(copy.deepcopy(SWAGGER["definitions"]))


def _schema(path: str) -> dict[str, Any]:
    """Return the JSON schema of the 200 answer of ``GET path``."""
    template = path
    for concrete, pattern in (
        ("/disks/", "/disks/{id}"),
        ("/docker/", "/docker/{id}"),
        ("/vm/", "/vm/{id}"),
        ("/notifications/", "/notifications/{id}"),
        ("/collectors/", "/collectors/{name}"),
        ("/zfs/pools/", "/zfs/pools/{name}"),
    ):
        if path.startswith(concrete) and path not in SWAGGER["paths"]:
            template = pattern
    schema = SWAGGER["paths"][template]["get"]["responses"]["200"]["schema"]
    if path == "/temperatures":
        # SystemInfo.temperatures is omitempty: null before the first collection
        schema = {"anyOf": [schema, {"type": "null"}]}
    return {"definitions": DEFINITIONS, **schema}


@pytest.mark.parametrize(
    ("scenario", "collected"), [("home", True), ("large", True), ("home", False)]
)
async def test_rest_answers_match_swagger(
    make_server: Factory, session: aiohttp.ClientSession, scenario: str, collected: bool
) -> None:
    """Every GET answer (placeholders too) validates against its swagger schema."""
    sim, url = await make_server(scenario=scenario)
    if collected:
        sim.advance(0)
        sim.advance(120)  # past every staggered first collection
        sim.publish("docker_updates_update")
        sim.publish("os_update_update")
    paths = list(PATHS)
    if collected:
        paths += [
            f"/disks/{sim.state.disks[1]['name']}",
            f"/docker/{sim.state.containers[0]['name']}",
            "/collectors/system",
            f"/notifications/{sim.state.notifications[0]['id']}",
        ]
        if sim.state.vms:
            paths.append(f"/vm/{sim.state.vms[0]['id']}")
        if sim.state.zfs_pools:
            paths.append("/zfs/pools/vault")
    for path in paths:
        async with session.get(url + path) as resp:
            assert resp.status == 200, path
            assert resp.headers["Content-Type"] == "application/json"
            body = await resp.read()
            assert body.endswith(b"\n")
        jsonschema.validate(
            json.loads(body), _schema(path), cls=jsonschema.Draft4Validator
        )


def test_dto_definitions_exist() -> None:
    """The definitions the simulator relies on are present in the spec."""
    for name in (
        "dto.SystemInfo",
        "dto.ContainerInfo",
        "dto.DiskInfo",
        "dto.NotificationList",
    ):
        assert name in SWAGGER["definitions"]
