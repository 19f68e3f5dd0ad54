"""POST/PATCH handlers: controls with the agent's validation, messages and status codes."""

from __future__ import annotations

from collections.abc import Callable
import copy
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web

from . import validation
from .dto import make
from .longops import USER_SCRIPT_TIMEOUT, WRITE_TIMEOUT
from .mutations import IMPORTANCES, safe_filename
from .responses import BadBody, NoAnswer, dto_reply, field, json_reply, read_json
from .wire import go_time

if TYPE_CHECKING:
    from .simulator import Simulator

type Params = dict[str, str]

#: docker operation -> (past tense, states it fails in, resulting state)
DOCKER_OPS = {
    "start": ("started", ("paused",), "running"),
    "stop": ("stopped", (), "exited"),
    "restart": ("restarted", (), "running"),
    "pause": ("paused", ("exited", "created", "paused", "dead"), "paused"),
    "unpause": ("unpaused", ("running", "exited", "created", "dead"), "running"),
}
ACTIVE = ("running", "paused", "blocked")
#: vm operation -> (past tense, states it succeeds in, resulting state)
VM_OPS = {
    "start": ("started", ("shut off", "shutdown", "crashed", "suspended"), "running"),
    "stop": ("stopped", ACTIVE, "shut off"),
    "restart": ("restarted", ("running", "blocked"), "running"),
    "pause": ("paused", ("running", "blocked"), "paused"),
    "resume": ("resumed", ("paused", "suspended"), "running"),
    "hibernate": ("hibernated", ACTIVE, "shut off"),
    "force-stop": ("force stopped", ACTIVE, "shut off"),
}


async def docker_op(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /docker/{id}/{start|stop|restart|pause|unpause}`` (hex IDs only)."""
    ref, op = params["id"], request.path.rsplit("/", 1)[1]
    past, fails_in, result = DOCKER_OPS[op]
    error = validation.container_id(ref)
    if error:
        return dto_reply(sim, 400, error)
    container = sim.find_container(ref)
    if container is None or container["state"] in fails_in:
        return dto_reply(sim, 500, f"Failed to {past} container")
    if not (op in ("start", "stop") and container["state"] == result):
        sim.set_container_state(container["name"], result)
    return dto_reply(sim, 200, f"Container {past}")


async def docker_not_here(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """Routes of the agent the simulator does not model (``503``, feature unavailable)."""
    return dto_reply(sim, 503, "not available in the simulator")


async def vm_op(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /vm/{name}/{op}`` (libvirt semantics: wrong state -> 500)."""
    name, op = params["name"], request.path.rsplit("/", 1)[1]
    past, allowed, result = VM_OPS[op]
    error = validation.vm_name(name)
    if error:
        return dto_reply(sim, 400, error)
    vm = next((v for v in sim.state.vms if v["name"] == name), None)
    if vm is None or vm["state"] not in allowed:
        return dto_reply(sim, 500, f"Failed to {past} VM")
    vm["state"] = result
    return dto_reply(sim, 200, f"VM {past}")


async def vm_reset(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /vm/{name}/reset`` with ``{"confirm":true}``; the VM must be running."""
    name = params["name"]
    error = validation.vm_name(name)
    if error:
        return dto_reply(sim, 400, error)
    try:
        confirm = field(await read_json(request), "confirm", bool, "VMResetRequest")
    except BadBody as err:
        return dto_reply(sim, 400, f"Invalid request body: {err}")
    if not confirm:
        return dto_reply(sim, 400, "confirm must be set to true to reset the VM")
    vm = next((v for v in sim.state.vms if v["name"] == name), None)
    if vm is None or vm["state"] != "running":
        return dto_reply(sim, 500, "Failed to reset VM")
    return dto_reply(sim, 200, "VM reset")


async def array_op(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /array/start|stop`` (no precondition check, like mdcmd)."""
    start = request.path.endswith("/start")
    sim.state.array["state"] = "STARTED" if start else "STOPPED"
    if not start and sim.state.parity["status"]:
        sim.finish_parity("Canceled")
    sim.trigger("array")
    sim.trigger("disk")
    return dto_reply(
        sim,
        200,
        "Array started successfully" if start else "Array stopped successfully",
    )


async def parity_op(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /array/parity-check/{start|stop|pause|resume}`` (``?correcting=`` query)."""
    op = request.path.rsplit("/", 1)[1]
    parity = sim.state.parity
    if op == "start" and not parity["status"]:
        parity.update(
            status="running",
            progress=0.0,
            correcting=request.query.get("correcting") == "true",
        )
    elif op == "stop" and parity["status"]:
        sim.finish_parity("Canceled")
    elif op == "pause" and parity["status"] == "running":
        parity["status"] = "paused"
    elif op == "resume" and parity["status"] == "paused":
        parity["status"] = "running"
    sim.trigger("array")
    verb = {
        "start": "started",
        "stop": "stopped",
        "pause": "paused",
        "resume": "resumed",
    }[op]
    return dto_reply(sim, 200, f"Parity check {verb} successfully")


async def system_power(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /system/reboot|shutdown``: answer, then restart or go offline."""
    reboot = request.path.endswith("/reboot")
    after: list[Callable[[], None]] = request["uma_after"]
    after.append(sim.restart if reboot else partial(_power_off, sim))
    return dto_reply(
        sim, 200, "Server reboot initiated" if reboot else "Server shutdown initiated"
    )


def _power_off(sim: Simulator) -> None:
    """Drop every connection until :meth:`Simulator.restart`."""
    sim.hub.close_all(graceful=False)
    sim.faults.offline = True


async def notification_create(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /notifications``: writes the archive copy and the unread copy (stock notify)."""
    try:
        body = await read_json(request)
        values = {
            k: field(body, k, str, "request") or ""
            for k in ("title", "subject", "description", "importance", "link")
        }
    except BadBody:
        return dto_reply(sim, 400, "Invalid request body")
    if not values["title"]:
        return dto_reply(sim, 400, "Title is required")
    importance = values["importance"] or "info"
    if (
        importance not in IMPORTANCES
        or (importance == "normal" and not sim.profile.normal_importance)
        or not safe_filename(values["title"])
    ):
        # An invalid importance is a 500 too (``handlers.go:1988-1991``).
        return dto_reply(sim, 500, "Failed to create notification")
    sim.add_notification(
        values["title"],
        values["subject"],
        values["description"],
        importance,
        values["link"],
        archived=True,
        publish=False,
    )
    sim.add_notification(
        values["title"],
        values["subject"],
        values["description"],
        importance,
        values["link"],
    )
    return json_reply(201, {"message": "Notification created successfully"})


def _move(sim: Simulator, note_id: str, src: str, dst: str) -> bool:
    """Move notification ``note_id`` from list ``src`` to ``dst`` (stock archive rules)."""
    notes = sim.state.notifications
    item = next((n for n in notes if n["id"] == note_id and n["type"] == src), None)
    if item is None or "/" in note_id or ".." in note_id:
        return False
    notes.remove(item)
    if not any(n["id"] == note_id and n["type"] == dst for n in notes):
        moved = copy.deepcopy(item)
        moved["type"] = dst
        notes.append(moved)
    sim.publish("notifications_update")
    return True


async def notification_archive(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /notifications/{id}/archive`` and ``/unarchive``."""
    archive = request.path.endswith("/archive")
    word = "archive" if archive else "unarchive"
    if not _move(
        sim,
        params["id"],
        "unread" if archive else "archive",
        "archive" if archive else "unread",
    ):
        return dto_reply(sim, 500, f"Failed to {word} notification")
    return json_reply(200, {"message": f"Notification {word}d successfully"})


async def user_script_execute(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /user-scripts/{name}/execute``: every error is HTTP 500 with the same DTO."""
    name = params["name"]
    # background && !wait, and the default, run in the background; wait runs inline
    try:
        wait = bool(
            field(await read_json(request), "wait", bool, "UserScriptExecuteRequest")
        )
    except BadBody:
        wait = False
    error = validation.user_script_name(name)
    if error:
        return json_reply(
            500,
            make("UserScriptExecuteResponse", error=f"Invalid script name: {error}"),
        )
    if not any(s["name"] == name for s in sim.state.user_scripts):
        return json_reply(
            500, make("UserScriptExecuteResponse", error=f"Script not found: {name}")
        )
    if wait:
        # Runs on the simulated clock; killed at 60 s, unanswered past 30 s.
        seconds = sim.durations.user_script
        await sim.sleep(min(seconds, USER_SCRIPT_TIMEOUT))
        if seconds >= WRITE_TIMEOUT:
            raise NoAnswer
        if name in sim.faults.failing_scripts:
            # ``executeScriptWait`` (``controllers/userscripts.go:168-175``).
            return json_reply(
                500,
                make(
                    "UserScriptExecuteResponse",
                    error="Script execution failed: exit status 1",
                    output=f"{name}: failed",
                ),
            )
        return json_reply(
            200,
            make(
                "UserScriptExecuteResponse",
                success=True,
                message=f"Script {name} completed successfully",
                output=f"{name}: done\n",
            ),
        )
    return json_reply(
        200,
        make(
            "UserScriptExecuteResponse",
            success=True,
            message=f"Script {name} started in background",
        ),
    )


async def remote_share(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /unassigned/remote-shares/mount|unmount``."""
    action = request.path.rsplit("/", 1)[1]
    try:
        source = (
            field(await read_json(request), "source", str, "RemoteShareActionRequest")
            or ""
        )
    except BadBody as err:
        return dto_reply(sim, 400, f"Invalid request body: {err}")
    error = validation.remote_share_source(source)
    if error:
        return dto_reply(sim, 400, error)
    mount = action == "mount"
    share = next(
        (
            s
            for s in sim.state.unassigned["remote_shares"] or []
            if s["source"] == source
        ),
        None,
    )
    # rc.unassigned knows root shares by their configured ``//server/share``.
    root = next((r for r in sim.state.root_shares if r["source"] == source), None)
    if share is not None:
        share["status"] = "mounted" if mount else "unmounted"
    elif root is not None:
        root["mounted"] = mount
    else:
        return dto_reply(sim, 500, f"Failed to {action} remote share")
    return dto_reply(sim, 200, f"Remote share {action} initiated for {source}")


async def collector_toggle(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``POST /collectors/{name}/enable|disable`` (publishes the collector-state event)."""
    name, enable = params["name"], request.path.endswith("/enable")
    error = sim.set_collector_enabled(name, enable)
    if error:
        return dto_reply(
            sim, 404 if error.startswith("unknown collector") else 400, error
        )
    word = "enabled" if enable else "disabled"
    return json_reply(
        200,
        make(
            "CollectorResponse",
            success=True,
            message=f"{name} collector {word}",
            collector=sim.collectors[name].as_dto(),
            timestamp=go_time(sim.now),
        ),
    )


async def collector_interval(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``PATCH /collectors/{name}/interval`` with ``{"interval": 5..86400}``."""
    name = params["name"]
    try:
        interval = (
            field(await read_json(request), "interval", int, "CollectorIntervalRequest")
            or 0
        )
    except BadBody:
        return dto_reply(sim, 400, "invalid request body")
    error = sim.set_collector_interval(name, interval)
    if error:
        return dto_reply(
            sim, 404 if error.startswith("unknown collector") else 400, error
        )
    return json_reply(
        200,
        make(
            "CollectorResponse",
            success=True,
            message=f"{name} collector interval updated to {interval} seconds",
            collector=sim.collectors[name].as_dto(),
            timestamp=go_time(sim.now),
        ),
    )
