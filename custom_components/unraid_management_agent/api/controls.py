"""Commands the agent accepts: containers, VMs, array, parity, system, more."""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import Final
from urllib.parse import quote

from ._http import HttpCore
from .exceptions import UnraidValidationError
from .generations import IMPORTANCES
from .models import (
    ActionResponse,
    ContainerBulkUpdateResult,
    ContainerUpdateResult,
    ContainerUpdatesResult,
    PluginList,
    UserScriptResult,
)

_CONTAINER_ID = re.compile(r"^(?:[0-9a-fA-F]{12}|[0-9a-fA-F]{64})$")
_CONTAINER_REF = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$")
_VM_NAME = re.compile(r"^[a-zA-Z0-9 _.-]{1,253}$")
_SCRIPT_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,255}$")
_CONTAINER_ACTIONS: Final = frozenset({"start", "stop", "restart", "pause", "unpause"})
_VM_ACTIONS: Final = frozenset(
    {"start", "stop", "restart", "pause", "resume", "hibernate", "force-stop"}
)
_PARITY_ACTIONS: Final = frozenset({"stop", "pause", "resume"})
_COLLECTOR_NAME = re.compile(r"^[a-z][a-z_]{0,31}$")
#: The agent's bounds for a collector interval (3600 before 2026.01.01).
MIN_COLLECTOR_INTERVAL: Final = 5
MAX_COLLECTOR_INTERVAL: Final = 3600
_IMPORTANCES: Final = frozenset(IMPORTANCES)


def remote_share_source_error(source: str) -> str | None:
    """Say why the agent refuses ``source`` for mount/unmount (None: it accepts it).

    The agent's rules (``ValidateRemoteShareSource``): SMB ``//server/share``
    or NFS ``server:/export``, at most 4096 characters, no control characters,
    no leading hyphen, no ``..``.
    """
    if not source:
        return "remote share source cannot be empty"
    if len(source.encode("utf-8", "surrogatepass")) > 4096:
        return "invalid remote share source: exceeds 4096 characters"
    if any(char in source for char in "\x00\n\r"):
        return "invalid remote share source: must not contain control characters"
    if source.startswith("-") or ".." in source:
        return f"invalid remote share source: {source}"
    if source.startswith("//"):
        server, _, share = source[2:].partition("/")
        if server and share:
            return None
        return f"invalid SMB remote share source (expected //server/share): {source}"
    server, found, export = source.partition(":/")
    if found and server and export:
        return None
    return (
        "invalid remote share source (must be //server/share or server:/export): "
        + source
    )


#: Container updates pull images: minutes. The agent drops the answer of
#: any request past its 30 s write timeout, closing the connection when the
#: work is done; waiting for that tells when to look at the outcome.
LONG_COMMAND_TIMEOUT: Final = 900.0
#: The agent bounds its update checks at 30 s (``allContainersUpdateCheckTimeout``,
#: ``pluginCheckTimeout``) and cancels them when the client goes away, caching
#: what it had by then: wait for the whole check.
CHECK_COMMAND_TIMEOUT: Final = 35.0
#: The agent gives a script run with ``wait`` 60 s (``lib.ExecCommand``,
#: ``lib/shell.go:20``); past its 30 s write timeout the answer is lost and
#: the connection closes when the script ends.
SCRIPT_WAIT_TIMEOUT: Final = 65.0


class AgentControls(HttpCore):
    """The agent's control endpoints, validated the way the agent validates them."""

    async def container_action(self, container_id: str, action: str) -> ActionResponse:
        """Start, stop, restart, pause or unpause a container by its hex id."""
        if action not in _CONTAINER_ACTIONS:
            raise UnraidValidationError(f"unknown container action: {action}")
        if not _CONTAINER_ID.fullmatch(container_id):
            raise UnraidValidationError(
                "invalid container ID format: must be 12 or 64 hexadecimal characters"
            )
        return await self._action(f"/docker/{container_id}/{action}")

    async def update_container(
        self, container: str, *, force: bool = False
    ) -> ContainerUpdateResult:
        """Pull the container's image and recreate it (id or name)."""
        if not _CONTAINER_REF.fullmatch(container) or ".." in container:
            raise UnraidValidationError(f"invalid container reference: {container}")
        data = await self.request(
            "POST",
            f"/docker/{container}/update",
            params={"force": "true"} if force else None,
            time_limit=LONG_COMMAND_TIMEOUT,
        )
        return self._require(ContainerUpdateResult.parse(data), "/docker/{id}/update")

    async def update_all_containers(self) -> ContainerBulkUpdateResult:
        """Update every container with an update available."""
        data = await self.request(
            "POST", "/docker/update-all", time_limit=LONG_COMMAND_TIMEOUT
        )
        return self._require(
            ContainerBulkUpdateResult.parse(data), "/docker/update-all"
        )

    async def refresh_docker_updates(self) -> ContainerUpdatesResult:
        """Ask the agent to check the registries for container updates now."""
        data = await self.request(
            "POST", "/docker/updates/refresh", time_limit=CHECK_COMMAND_TIMEOUT
        )
        return self._require(
            ContainerUpdatesResult.parse(data), "/docker/updates/refresh"
        )

    async def refresh_plugin_updates(self) -> PluginList:
        """Ask the agent to check for plugin updates now."""
        data = await self.request(
            "POST", "/plugins/updates/refresh", time_limit=CHECK_COMMAND_TIMEOUT
        )
        return self._require(PluginList.parse(data), "/plugins/updates/refresh")

    @staticmethod
    def _vm_path(name: str) -> str:
        if not _VM_NAME.fullmatch(name) or name[0] in "-." or name[-1] in "-.":
            raise UnraidValidationError(f"invalid VM name: {name}")
        return "/vm/" + quote(name, safe="")

    async def vm_action(self, name: str, action: str) -> ActionResponse:
        """Start, stop, restart, pause, resume, hibernate or force-stop a VM."""
        if action not in _VM_ACTIONS:
            raise UnraidValidationError(f"unknown VM action: {action}")
        return await self._action(f"{self._vm_path(name)}/{action}")

    async def reset_vm(self, name: str) -> ActionResponse:
        """Hard-reset a VM (the agent requires an explicit confirmation)."""
        return await self._action(
            f"{self._vm_path(name)}/reset", json_body={"confirm": True}
        )

    async def recollect(self, collector: str, interval: int) -> ActionResponse:
        """Make a collector collect now, keeping its interval.

        ``PATCH /collectors/{name}/interval`` restarts the collector, and a
        collector collects at once when it starts: with the interval it has
        (``interval_seconds`` of ``/collectors/status``) nothing else changes.
        Agents from 2026.01 have it.
        """
        if not _COLLECTOR_NAME.fullmatch(collector):
            raise UnraidValidationError(f"invalid collector name: {collector}")
        if not MIN_COLLECTOR_INTERVAL <= interval <= MAX_COLLECTOR_INTERVAL:
            raise UnraidValidationError(f"invalid collector interval: {interval}")
        data = await self.request(
            "PATCH",
            f"/collectors/{collector}/interval",
            json_body={"interval": interval},
        )
        return ActionResponse.parse(data) or ActionResponse(success=True)

    async def start_array(self) -> ActionResponse:
        """Start the array."""
        return await self._action("/array/start")

    async def stop_array(self) -> ActionResponse:
        """Stop the array."""
        return await self._action("/array/stop")

    async def start_parity_check(self, *, correcting: bool) -> ActionResponse:
        """Start a parity check (``correcting`` writes corrections to parity)."""
        return await self._action(
            "/array/parity-check/start",
            params={"correcting": "true" if correcting else "false"},
        )

    async def parity_check_action(self, action: str) -> ActionResponse:
        """Stop, pause or resume the running parity check."""
        if action not in _PARITY_ACTIONS:
            raise UnraidValidationError(f"unknown parity-check action: {action}")
        return await self._action(f"/array/parity-check/{action}")

    async def reboot(self) -> ActionResponse:
        """Reboot the server."""
        return await self._action("/system/reboot")

    async def shutdown(self) -> ActionResponse:
        """Shut the server down."""
        return await self._action("/system/shutdown")

    async def create_notification(
        self,
        title: str,
        *,
        subject: str = "",
        description: str = "",
        importance: str = "normal",
        link: str = "",
    ) -> str:
        """Create an Unraid notification; returns the agent's message."""
        if not title:
            raise UnraidValidationError("Title is required")
        if importance not in _IMPORTANCES:
            raise UnraidValidationError(f"invalid importance: {importance}")
        data = await self.request(
            "POST",
            "/notifications",
            json_body={
                "title": title,
                "subject": subject,
                "description": description,
                "importance": importance,
                "link": link,
            },
        )
        return str(data.get("message", "")) if isinstance(data, Mapping) else ""

    async def archive_notification(self, notification_id: str) -> str:
        """Archive one notification by its id (its ``.notify`` file name).

        The agent's rules (``validateNotificationID``): a file name, no
        ``..``, no path separator, ending in ``.notify``.
        """
        if (
            not notification_id.endswith(".notify")
            or ".." in notification_id
            or any(sep in notification_id for sep in "/\\")
        ):
            raise UnraidValidationError(f"invalid notification id: {notification_id}")
        data = await self.request(
            "POST", f"/notifications/{quote(notification_id, safe='')}/archive"
        )
        return str(data.get("message", "")) if isinstance(data, Mapping) else ""

    async def execute_user_script(
        self, name: str, *, background: bool = True, wait: bool = False
    ) -> UserScriptResult:
        """Run a User Scripts script."""
        if (
            not _SCRIPT_NAME.fullmatch(name)
            or ".." in name
            or name[0] in "-."
            or name[-1] in "-."
        ):
            raise UnraidValidationError(f"Invalid script name: {name}")
        data = await self.request(
            "POST",
            f"/user-scripts/{name}/execute",
            json_body={"background": background, "wait": wait},
            time_limit=SCRIPT_WAIT_TIMEOUT if wait else None,
        )
        return self._require(
            UserScriptResult.parse(data), "/user-scripts/{name}/execute"
        )

    async def remote_share_action(self, source: str, *, mount: bool) -> ActionResponse:
        """Mount or unmount an Unassigned Devices remote share (by its source)."""
        error = remote_share_source_error(source)
        if error is not None:
            raise UnraidValidationError(error)
        action = "mount" if mount else "unmount"
        return await self._action(
            f"/unassigned/remote-shares/{action}", json_body={"source": source}
        )

    async def update_plugin(self, name: str) -> ActionResponse:
        """Update one plugin to its latest version."""
        if not _SCRIPT_NAME.fullmatch(name):
            raise UnraidValidationError(f"invalid plugin name: {name}")
        return await self._action(
            f"/plugins/{name}/update", time_limit=LONG_COMMAND_TIMEOUT
        )
