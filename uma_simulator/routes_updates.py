"""Update handlers: container and plugin updates, and the update checks.

Each may outlast the agent's 30 s write timeout; see :mod:`.longops`.
"""

from __future__ import annotations

import asyncio
import copy
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import validation
from .collect import collect_docker_updates
from .dto import make
from .longops import (
    CHECK_TIMEOUT,
    CONTAINER_UPDATE_TIMEOUT,
    PLUGIN_UPDATE_TIMEOUT,
    WRITE_TIMEOUT,
    check_seconds,
    cut_check,
)
from .responses import NoAnswer, dto_reply, json_reply
from .wire import go_time

if TYPE_CHECKING:
    from .simulator import Simulator

type Params = dict[str, str]


def _update_one(
    sim: Simulator, container: dict[str, Any], force: bool
) -> dict[str, Any]:
    """Pull and recreate ``container`` when its image changed (or ``force``)."""
    ts = go_time(sim.now)
    name, image = container["name"], container["image"]
    if not force and not sim.state.image_updates.get(name):
        return make(
            "ContainerUpdateResult",
            container_id=container["id"],
            container_name=name,
            image=image,
            message="Container is already up to date",
            timestamp=ts,
        )
    previous = "sha256:" + container["id"] * 5 + "abcd"
    new_id = sim.recreate_container(name)
    return make(
        "ContainerUpdateResult",
        container_id=new_id,
        container_name=name,
        image=image,
        previous_digest=previous,
        new_digest="sha256:" + new_id * 5 + "ef01",
        updated=True,
        recreated=True,
        message="Container updated successfully",
        timestamp=ts,
    )


async def docker_update(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /docker/{id}/update``: ID or name; recreates the container (new ID).

    A pull and recreate that takes the write timeout or longer is done, but
    unanswered; one past the update's own 10 minutes is not done either.
    """
    ref = params["id"]
    error = validation.container_ref(ref)
    if error:
        return dto_reply(sim, 400, error)
    container = sim.find_container(ref)
    if container is None:
        return dto_reply(sim, 500, "Failed to update container")
    force = request.query.get("force") == "true"
    seconds = (
        sim.durations.container_update
        if force or sim.state.image_updates.get(container["name"])
        else 0.0
    )
    if seconds >= CONTAINER_UPDATE_TIMEOUT:
        raise NoAnswer
    result = _update_one(sim, container, force)
    if seconds >= WRITE_TIMEOUT:
        raise NoAnswer
    return json_reply(200, result)


def _check(sim: Simulator, cut: float | None = None) -> dict[str, Any]:
    """Check every container now; only what ``cut`` seconds allowed, if given."""
    result = collect_docker_updates(sim, go_time(sim.now))
    if cut is None:
        return result
    return cut_check(result, sim.durations.registry_check, cut)


def _check_seconds(sim: Simulator) -> float:
    """How long a registry check of every container takes now (unbounded)."""
    return check_seconds(len(sim.state.containers), sim.durations.registry_check)


async def docker_update_all(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /docker/update-all``: a check (30 s at most), then every update it found.

    The check is not tied to the request (``controllers/docker.go:761``);
    containers it did not get to are skipped.
    """
    needed = _check_seconds(sim)
    checked = _check(sim, CHECK_TIMEOUT if needed > CHECK_TIMEOUT else None)
    per_update = sim.durations.container_update
    results, succeeded, skipped, tried = [], 0, 0, 0
    for info in checked["containers"]:
        container = sim.find_container(info["container_id"] or "-")
        if not info["update_available"] or container is None:
            skipped += 1
            continue
        tried += 1
        if per_update < CONTAINER_UPDATE_TIMEOUT:
            results.append(_update_one(sim, container, False))
            succeeded += 1
    if min(needed, CHECK_TIMEOUT) + tried * per_update >= WRITE_TIMEOUT:
        raise NoAnswer
    return json_reply(
        200,
        make(
            "ContainerBulkUpdateResult",
            results=results,
            succeeded=succeeded,
            skipped=skipped,
            timestamp=go_time(sim.now),
        ),
    )


async def docker_updates_refresh(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /docker/updates/refresh``: live check, published as ``docker_updates_update``.

    The check takes simulated time. A client that goes away cancels it: what
    it got so far is published and cached all the same. One that hits its
    30 s bound is cut there, and its answer is lost to the write timeout.
    """
    needed = _check_seconds(sim)
    waited = min(needed, CHECK_TIMEOUT)
    started = sim.elapsed
    try:
        await sim.sleep(waited)
    except asyncio.CancelledError:
        sim.emit("docker_updates_update", _check(sim, sim.elapsed - started))
        raise
    result = _check(sim, waited if needed > CHECK_TIMEOUT else None)
    sim.emit("docker_updates_update", result)
    if waited >= WRITE_TIMEOUT:
        raise NoAnswer
    return json_reply(200, result)


def _plugin_list(sim: Simulator, plugins: list[dict[str, Any]]) -> dict[str, Any]:
    return make(
        "PluginList",
        plugins=plugins or None,  # Go's nil slice
        total_count=len(plugins),
        updates_available=len(plugins),
        timestamp=go_time(sim.now),
    )


def _stale_plugin_updates(sim: Simulator) -> list[dict[str, Any]]:
    """Return what an interrupted ``plugin check`` finds: earlier checks' files."""
    cached = sim.caches.get("plugin_updates_update") or {}
    known = {p["name"] for p in cached.get("plugins") or () if p["update_available"]}
    return [
        copy.deepcopy(p)
        for p in sim.state.plugins
        if p["update_available"] and p["name"] in known
    ]


async def plugins_refresh(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /plugins/updates/refresh``: only plugins with updates; publishes the list.

    ``plugin check`` takes simulated time. Killed (the client went away, or
    its 30 s bound), the agent reads the update files it has, those of earlier
    checks, and publishes that (``controllers/plugin.go:36-68``).
    """
    needed = sim.durations.plugin_check
    waited = min(needed, CHECK_TIMEOUT)
    try:
        await sim.sleep(waited)
    except asyncio.CancelledError:
        sim.emit("plugin_updates_update", _plugin_list(sim, _stale_plugin_updates(sim)))
        raise
    if needed > CHECK_TIMEOUT:
        plugins = _stale_plugin_updates(sim)
    else:
        plugins = [copy.deepcopy(p) for p in sim.state.plugins if p["update_available"]]
    result = _plugin_list(sim, plugins)
    sim.emit("plugin_updates_update", result)
    if waited >= WRITE_TIMEOUT:
        raise NoAnswer
    return json_reply(200, result)


async def plugin_update(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /plugins/{name}/update``: install the latest version of one plugin.

    Past the write timeout the update is done but unanswered; past 60 s
    ``plugin update`` is killed: not done, and its failure unanswered too.
    """
    name = params["name"]
    error = validation.plugin_name(name)
    if error:
        return dto_reply(sim, 400, error)
    plugin = next((p for p in sim.state.plugins if p["name"] == name), None)
    if plugin is None:
        return dto_reply(sim, 500, "Failed to update plugin")
    seconds = sim.durations.plugin_update
    if seconds >= PLUGIN_UPDATE_TIMEOUT:
        raise NoAnswer
    if plugin.get("latest_version"):
        plugin["version"] = plugin["latest_version"]
    plugin["update_available"] = False
    if seconds >= WRITE_TIMEOUT:
        raise NoAnswer
    return dto_reply(sim, 200, f"Plugin {name} updated successfully")
