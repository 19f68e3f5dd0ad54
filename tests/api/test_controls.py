"""Every control against the simulator: success, visible effect, agent-side failures."""

from __future__ import annotations

import pytest

from custom_components.unraid_management_agent.api import (
    AgentEvent,
    Topic,
    UnraidConnectionError,
    UnraidNoAnswerError,
    UnraidRequestError,
    UnraidServerError,
    UnraidValidationError,
    UnraidWebSocket,
)
from custom_components.unraid_management_agent.api.models import (
    ActionResponse,
    ContainerInfo,
    UserScriptResult,
    VMInfo,
)

from .conftest import Agent, Stub, wait_for

PLEX = "45691f0ee8d2"  # running
NEXTCLOUD = "90cd9dba0d77"  # exited
SYNCTHING = "06db7fd87790"  # paused


async def _next(stream: UnraidWebSocket, topic: Topic) -> AgentEvent:
    """Return the next event of ``topic``."""
    while True:
        event = await stream.receive(idle_limit=2.0)
        if event.topic is topic:
            return event


def _by_name[T: (ContainerInfo, VMInfo)](items: tuple[T, ...]) -> dict[str, T]:
    return {item.name: item for item in items if item.name}


async def _subscribed(agent: Agent, *topics: Topic) -> UnraidWebSocket:
    """Open the stream filtered to ``topics`` and wait until the agent applied it."""
    stream = await agent.client().connect_websocket(subscribe=topics)
    await wait_for(
        lambda: (
            bool(agent.sim.hub.clients)
            and agent.sim.hub.clients[-1].topics == {str(t) for t in topics}
        )
    )
    return stream


@pytest.mark.parametrize(
    ("container", "action", "message", "state"),
    [
        (PLEX, "stop", "Container stopped", "exited"),
        (PLEX, "restart", "Container restarted", "running"),
        (PLEX, "pause", "Container paused", "paused"),
        (NEXTCLOUD, "start", "Container started", "running"),
        (SYNCTHING, "unpause", "Container unpaused", "running"),
    ],
)
async def test_container_actions(
    agent: Agent, container: str, action: str, message: str, state: str
) -> None:
    """Each lifecycle action succeeds; the next container event shows the new state."""
    client = agent.client()
    stream = await _subscribed(agent, Topic.CONTAINERS)
    try:
        result = await client.container_action(container, action)
        assert result == ActionResponse(
            success=True, message=message, timestamp=result.timestamp
        )
        assert result.timestamp is not None
        agent.sim.advance(30)
        event = await _next(stream, Topic.CONTAINERS)
        by_id = {c.id: c for c in event.payload}
        assert by_id[container].state == state
    finally:
        await stream.close()
    assert agent.rest_paths() == [f"/api/v1/docker/{container}/{action}"]


async def test_container_action_failures(agent: Agent) -> None:
    """Wrong state -> 500 with the agent's past-tense text; unknown id -> 500 too."""
    client = agent.client()
    with pytest.raises(UnraidServerError) as err:
        await client.container_action(SYNCTHING, "start")
    assert (err.value.status, err.value.message) == (500, "Failed to started container")
    with pytest.raises(UnraidServerError, match="Failed to paused container"):
        await client.container_action(NEXTCLOUD, "pause")
    with pytest.raises(UnraidServerError, match="Failed to stopped container"):
        await client.container_action("0" * 64, "stop")
    # A full 64-hex id of an existing container is accepted.
    full = PLEX + "0" * 52
    assert (await client.container_action(full, "restart")).success is True


async def test_update_container(agent: Agent) -> None:
    """Update by name: recreated with a new id; up to date otherwise; unknown -> 500."""
    sim, client = agent.sim, agent.client()
    result = await client.update_container("sonarr")  # has an update
    assert result.updated is True and result.recreated is True
    assert result.container_name == "sonarr"
    assert result.container_id != "2990082c83b6"
    assert result.container_id == sim.find_container("sonarr")["id"]  # type: ignore[index]
    assert result.message == "Container updated successfully"
    assert result.new_digest and result.previous_digest

    same = await client.update_container(PLEX)
    assert same.updated is False and same.message == "Container is already up to date"
    forced = await client.update_container("plex", force=True)
    assert forced.recreated is True
    assert sim.request_log[-1].query == "force=true"

    with pytest.raises(UnraidServerError, match="Failed to update container"):
        await client.update_container("no-such-app")

    sim.advance(30)
    containers = _by_name(await client.get_containers())
    assert containers["sonarr"].id == result.container_id


async def test_unanswered_updates(agent: Agent) -> None:
    """Past the agent's write timeout: done, but the connection closes unanswered."""
    sim, client = agent.sim, agent.client()
    sim.durations.container_update = 31
    sim.durations.plugin_update = 31
    old_id = sim.find_container("sonarr")["id"]  # type: ignore[index]
    with pytest.raises(UnraidNoAnswerError, match="without an answer"):
        await client.update_container("sonarr")
    assert sim.find_container("sonarr")["id"] != old_id  # type: ignore[index]
    sim.set_image_update("plex")
    with pytest.raises(UnraidNoAnswerError):
        await client.update_all_containers()
    assert sim.state.image_updates["plex"] is False
    with pytest.raises(UnraidNoAnswerError):
        await client.update_plugin("community.applications")
    assert sim.state.plugins[0]["version"] == "2026.09.01"
    # An answer the agent gives is still one: nothing to update is quick.
    assert (await client.update_container("plex")).updated is False


async def test_update_all_and_refresh(agent: Agent) -> None:
    """Bulk update, docker update check and plugin check, each with its event."""
    sim, client = agent.sim, agent.client()
    sim.set_image_update("radarr")
    stream = await _subscribed(agent, Topic.DOCKER_UPDATES, Topic.PLUGIN_UPDATES)
    try:
        check = await client.refresh_docker_updates()
        assert check.updates_available == 2 and check.total_count == 12
        event = await _next(stream, Topic.DOCKER_UPDATES)
        assert event.payload == check

        bulk = await client.update_all_containers()
        assert (bulk.succeeded, bulk.skipped) == (2, 10)
        assert bulk.results is not None
        assert {r.container_name for r in bulk.results} == {"sonarr", "radarr"}
        assert (await client.refresh_docker_updates()).updates_available == 0
        await _next(stream, Topic.DOCKER_UPDATES)

        plugins = await client.refresh_plugin_updates()
        assert plugins.plugins is not None
        assert [p.name for p in plugins.plugins] == ["community.applications"]
        assert plugins.total_count == plugins.updates_available == 1
        event = await _next(stream, Topic.PLUGIN_UPDATES)
        assert event.payload == plugins
    finally:
        await stream.close()


@pytest.mark.parametrize(
    ("name", "action", "message", "state"),
    [
        ("Windows 11", "stop", "VM stopped", "shut off"),
        ("Windows 11", "restart", "VM restarted", "running"),
        ("Windows 11", "pause", "VM paused", "paused"),
        ("Windows 11", "hibernate", "VM hibernated", "shut off"),
        ("Windows 11", "force-stop", "VM force stopped", "shut off"),
        ("Ubuntu Server", "start", "VM started", "running"),
    ],
)
async def test_vm_actions(
    agent: Agent, name: str, action: str, message: str, state: str
) -> None:
    """VM commands by name (spaces URL-encoded); the next REST read shows the state."""
    client = agent.client()
    result = await client.vm_action(name, action)
    assert (result.success, result.message) == (True, message)
    assert agent.rest_paths() == [f"/api/v1/vm/{name}/{action}"]
    agent.sim.advance(60)
    assert _by_name(await client.get_vms())[name].state == state


async def test_vm_resume_reset_and_failures(agent: Agent) -> None:
    """Resume a paused VM, reset a running one; wrong state -> 500 past tense."""
    client = agent.client()
    await client.vm_action("Windows 11", "pause")
    assert (await client.vm_action("Windows 11", "resume")).message == "VM resumed"
    assert (await client.reset_vm("Windows 11")).message == "VM reset"
    with pytest.raises(UnraidServerError, match="^HTTP 500: Failed to reset VM$"):
        await client.reset_vm("Ubuntu Server")
    with pytest.raises(UnraidServerError) as err:
        await client.vm_action("Ubuntu Server", "stop")
    assert err.value.message == "Failed to stopped VM"
    with pytest.raises(UnraidServerError, match="Failed to force stopped VM"):
        await client.vm_action("Ubuntu Server", "force-stop")
    with pytest.raises(UnraidServerError, match="Failed to started VM"):
        await client.vm_action("No Such VM", "start")


async def test_array_and_parity(agent: Agent) -> None:
    """Array stop/start and the parity-check lifecycle, seen in the next array event."""
    sim, client = agent.sim, agent.client()
    stream = await _subscribed(agent, Topic.ARRAY)
    try:
        result = await client.start_parity_check(correcting=True)
        assert result.message == "Parity check started successfully"
        assert sim.request_log[-1].query == "correcting=true"
        assert sim.state.parity["correcting"] is True
        sim.advance(0)
        assert (
            await _next(stream, Topic.ARRAY)
        ).payload.parity_check_status == "running"

        await client.parity_check_action("pause")
        sim.advance(0)
        assert (
            await _next(stream, Topic.ARRAY)
        ).payload.parity_check_status == "paused"
        resumed = await client.parity_check_action("resume")
        assert resumed.message == "Parity check resumed successfully"
        stopped = await client.parity_check_action("stop")
        assert stopped.message == "Parity check stopped successfully"
        sim.advance(0)
        array = (await _next(stream, Topic.ARRAY)).payload
        assert array.parity_check_status == ""
        history = await client.get_parity_history()
        assert history.latest is not None and history.latest.status == "Canceled"

        await client.start_parity_check(correcting=False)
        assert sim.request_log[-1].query == "correcting=false"

        assert (await client.stop_array()).message == "Array stopped successfully"
        sim.advance(0)
        assert (await _next(stream, Topic.ARRAY)).payload.state == "STOPPED"
        assert (await client.start_array()).message == "Array started successfully"
        sim.advance(0)
        assert (await _next(stream, Topic.ARRAY)).payload.state == "STARTED"
    finally:
        await stream.close()


async def test_reboot(agent: Agent) -> None:
    """Reboot answers, then the agent restarts: the stream closes, REST is placeholders."""
    client = agent.client()
    stream = await client.connect_websocket()
    try:
        result = await client.reboot()
        assert result.message == "Server reboot initiated"
        with pytest.raises(UnraidConnectionError):
            await stream.receive(idle_limit=2.0)
        assert (await client.get_system()).is_placeholder
    finally:
        await stream.close()


async def test_shutdown(agent: Agent) -> None:
    """Shutdown answers, then every connection is dropped."""
    client = agent.client()
    assert (await client.shutdown()).message == "Server shutdown initiated"
    with pytest.raises(UnraidConnectionError):
        await client.get_system()


async def test_notifications(agent: Agent) -> None:
    """Create (201 ``{"message"}``), then archive it; both visible in the next event."""
    sim, client = agent.sim, agent.client()
    stream = await _subscribed(agent, Topic.NOTIFICATIONS)
    try:
        message = await client.create_notification(
            "Backup done", subject="Backup", description="All good", importance="info"
        )
        assert message == "Notification created successfully"
        assert sim.request_log[-1].status == 201
        event = await _next(stream, Topic.NOTIFICATIONS)
        created = [
            n
            for n in event.payload.notifications
            if n.title == "Backup done" and n.type == "unread"
        ]
        assert len(created) == 1 and created[0].importance == "info"
        note_id = created[0].id

        message = await client.archive_notification(note_id)
        assert message == "Notification archived successfully"
        event = await _next(stream, Topic.NOTIFICATIONS)
        states = {n.type for n in event.payload.notifications if n.id == note_id}
        assert states == {"archive"}
    finally:
        await stream.close()

    with pytest.raises(UnraidServerError, match="Failed to archive notification"):
        await client.archive_notification(note_id)
    with pytest.raises(UnraidServerError, match="Failed to create notification"):
        await client.create_notification("!!!")  # no safe file name


async def test_user_scripts(agent: Agent) -> None:
    """Background and waited runs; unknown script -> 500 with ``error`` text."""
    client = agent.client()
    background = await client.execute_user_script("backup_appdata")
    assert background == UserScriptResult(
        success=True, message="Script backup_appdata started in background"
    )
    waited = await client.execute_user_script(
        "clear_cache", background=False, wait=True
    )
    assert waited.output == "clear_cache: done\n"
    assert waited.message == "Script clear_cache completed successfully"
    with pytest.raises(UnraidServerError) as err:
        await client.execute_user_script("missing")
    assert err.value.message == "Script not found: missing"


async def test_remote_shares(agent: Agent) -> None:
    """Mount/unmount; an unknown share -> 500; a malformed one -> 400 validator text."""
    sim, client = agent.sim, agent.client()
    nfs = "backup-nas:/export/media"
    result = await client.remote_share_action(nfs, mount=True)
    assert result.message == f"Remote share mount initiated for {nfs}"
    smb = "//backup-nas/archive"
    result = await client.remote_share_action(smb, mount=False)
    assert result.message == f"Remote share unmount initiated for {smb}"
    sim.publish("unassigned_devices_update")
    unassigned = await client.get_unassigned()
    assert unassigned.remote_shares is not None
    states = {s.source: s.status for s in unassigned.remote_shares}
    assert states == {nfs: "mounted", smb: "unmounted", "scratch": "mounted"}

    with pytest.raises(UnraidServerError, match="Failed to mount remote share"):
        await client.remote_share_action("//other/share", mount=True)
    with pytest.raises(UnraidRequestError) as err:
        await client.request(
            "POST", "/unassigned/remote-shares/mount", json_body={"source": "nas"}
        )
    assert err.value.status == 400
    assert err.value.message == (
        'invalid remote share source "nas": must be an SMB'
        " (//server/share) or NFS (server:/export) source"
    )


async def test_root_share(agent: Agent) -> None:
    """A UD root share: reported by its bare name once mounted, which is refused."""
    sim, client = agent.sim, agent.client()

    async def root() -> dict[str, str | None]:
        sim.publish("unassigned_devices_update")
        listing = await client.get_unassigned()
        share = next(s for s in listing.remote_shares or () if s.type == "root")
        return {
            "source": share.source,
            "mount_point": share.mount_point,
            "status": share.status,
            "smb_server": share.smb_server,
        }

    assert await root() == {
        "source": "scratch",
        "mount_point": "/mnt/rootshare/scratch",
        "status": "mounted",
        "smb_server": None,
    }
    # The agent refuses the source it reports (the client refuses it first).
    with pytest.raises(UnraidValidationError, match="scratch"):
        await client.remote_share_action("scratch", mount=False)
    with pytest.raises(UnraidRequestError) as err:
        await client.request(
            "POST", "/unassigned/remote-shares/unmount", json_body={"source": "scratch"}
        )
    assert err.value.status == 400
    # rc.unassigned knows it by its configured source.
    await client.remote_share_action("//TOWER/scratch", mount=False)
    assert await root() == {
        "source": "//TOWER/scratch",
        "mount_point": "/mnt/rootshare/scratch",
        "status": "unmounted",
        "smb_server": "TOWER",
    }
    await client.remote_share_action("//TOWER/scratch", mount=True)
    assert (await root())["source"] == "scratch"


async def test_update_plugin(agent: Agent, stub: Stub) -> None:
    """A plugin update against the simulator; the agent's failure keeps its message."""
    sim = agent.sim
    plugin = next(p for p in sim.state.plugins if p["update_available"])
    result = await agent.client().update_plugin(plugin["name"])
    assert (result.success, result.message) == (
        True,
        f"Plugin {plugin['name']} updated successfully",
    )
    assert plugin["version"] == plugin["latest_version"]
    with pytest.raises(UnraidServerError) as err:
        await agent.client().update_plugin("no.such.plugin")
    assert err.value.status == 500
    assert err.value.message == "Failed to update plugin"

    # an empty 200 body is still a success
    stub.answer("POST", "/array/start", 200, b"")
    assert await stub.client().start_array() == ActionResponse(success=True)


async def test_recollect(agent: Agent) -> None:
    """A collector restarted with its own interval collects at the next tick."""
    client = agent.client()
    sim = agent.sim
    result = await client.recollect("docker", 30)
    assert result.message == "docker collector interval updated to 30 seconds"
    assert sim.collectors["docker"].interval == 30
    assert "container_list_update" in sim.advance(0)
    for name, interval in (("Docker", 30), ("../x", 30), ("docker", 4), ("vm", 3601)):
        with pytest.raises(UnraidValidationError):
            await client.recollect(name, interval)
