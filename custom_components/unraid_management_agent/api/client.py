"""Asyncio REST client for the Unraid Management Agent."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from email.utils import parsedate_to_datetime
import json
import logging
import re
import time
from typing import Any, Final
from urllib.parse import quote

import aiohttp
import orjson
from yarl import URL

from ._limiter import RequestLimiter
from .events import PARSERS
from .exceptions import (
    UnraidApiError,
    UnraidAuthenticationError,
    UnraidConnectionError,
    UnraidError,
    UnraidInvalidResponseError,
    UnraidNotFoundError,
    UnraidRateLimitedError,
    UnraidRequestError,
    UnraidServerError,
    UnraidTimeoutError,
    UnraidValidationError,
)
from .models import (
    ActionResponse,
    ArrayStatus,
    CollectorsStatus,
    ContainerBulkUpdateResult,
    ContainerInfo,
    ContainerUpdateResult,
    ContainerUpdatesResult,
    DiskInfo,
    FlashDriveHealth,
    GPUMetrics,
    HardwareInfo,
    MoverStatus,
    NetworkInfo,
    NotificationList,
    NotificationOverview,
    NUTResponse,
    OSUpdateStatus,
    ParityCheckHistory,
    ParitySchedule,
    PluginList,
    Registration,
    ShareInfo,
    SystemInfo,
    UnassignedDeviceList,
    UPSStatus,
    UserScriptInfo,
    UserScriptResult,
    VMInfo,
    ZFSARCStats,
    ZFSDataset,
    ZFSPool,
    ZFSSnapshot,
)
from .topics import Topic
from .websocket import UnraidWebSocket

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORT: Final = 8043
API_PREFIX: Final = "/api/v1"

#: The REST endpoint that serves each topic's current state.
TOPIC_ENDPOINTS: Final[dict[Topic, str]] = {
    Topic.SYSTEM: "/system",
    Topic.ARRAY: "/array",
    Topic.DISKS: "/disks",
    Topic.SHARES: "/shares",
    Topic.CONTAINERS: "/docker",
    Topic.VMS: "/vm",
    Topic.UPS: "/ups",
    Topic.NUT: "/nut",
    Topic.GPU: "/gpu",
    Topic.NETWORK: "/network",
    Topic.HARDWARE: "/hardware/full",
    Topic.REGISTRATION: "/registration",
    Topic.NOTIFICATIONS: "/notifications",
    Topic.UNASSIGNED: "/unassigned",
    Topic.ZFS_POOLS: "/zfs/pools",
    Topic.ZFS_DATASETS: "/zfs/datasets",
    Topic.ZFS_SNAPSHOTS: "/zfs/snapshots",
    Topic.ZFS_ARC: "/zfs/arc",
    Topic.DOCKER_UPDATES: "/docker/updates",
    Topic.PLUGIN_UPDATES: "/plugins/check-updates",
    Topic.OS_UPDATE: "/os/update",
    Topic.MOVER: "/mover",
}

_CONTAINER_ID = re.compile(r"^(?:[0-9a-fA-F]{12}|[0-9a-fA-F]{64})$")
_CONTAINER_REF = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$")
_VM_NAME = re.compile(r"^[a-zA-Z0-9 _.-]{1,253}$")
_SCRIPT_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,255}$")
_CONTAINER_ACTIONS: Final = frozenset({"start", "stop", "restart", "pause", "unpause"})
_VM_ACTIONS: Final = frozenset(
    {"start", "stop", "restart", "pause", "resume", "hibernate", "force-stop"}
)
_PARITY_ACTIONS: Final = frozenset({"stop", "pause", "resume"})
_IMPORTANCES: Final = frozenset({"alert", "warning", "normal", "info"})


def _loads(body: bytes) -> Any:
    """Decode JSON; fall back to the standard library for what orjson refuses."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


def error_message(body: bytes) -> str:
    """Extract the agent's message from any of its four error-body shapes."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return ""
    try:
        data = _loads(body)
    except ValueError:
        return text
    if isinstance(data, Mapping):
        for key in ("message", "error"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value
        return ""
    return text


def _retry_after(value: str | None) -> float | None:
    """Parse a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _raise_for_status(status: int, body: bytes, headers: Mapping[str, str]) -> None:
    """Map an HTTP error status to the client's exceptions."""
    message = error_message(body)
    if status == 401:
        raise UnraidAuthenticationError(status, message or "Unauthorized")
    if status == 429:
        raise UnraidRateLimitedError(
            status,
            message or "Too Many Requests",
            _retry_after(headers.get("Retry-After")),
        )
    if status == 404:
        raise UnraidNotFoundError(status, message)
    if status >= 500:
        raise UnraidServerError(status, message)
    raise UnraidRequestError(status, message)


class UnraidClient:
    """Talks to one Unraid Management Agent over REST and WebSocket."""

    def __init__(
        self,
        host: str,
        port: int = DEFAULT_PORT,
        *,
        session: aiohttp.ClientSession,
        use_ssl: bool = False,
        verify_ssl: bool = True,
        token: str | None = None,
        request_timeout: float = 10.0,
        limiter: RequestLimiter | None = None,
    ) -> None:
        """Create a client; the aiohttp session is owned by the caller."""
        self._session = session
        self._base = URL.build(
            scheme="https" if use_ssl else "http", host=host, port=port
        )
        self._ssl = not (use_ssl and not verify_ssl)
        self._headers: dict[str, str] = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._limiter = limiter or RequestLimiter()
        self.request_count = 0

    @property
    def base_url(self) -> URL:
        """The agent's address without the API prefix."""
        return self._base

    def url(self, path: str) -> URL:
        """Return the full URL of an API path such as ``/system``."""
        return self._base.with_path(API_PREFIX + path, encoded=True)

    # ------------------------------------------------------------------ core

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: object = None,
    ) -> Any:
        """Send one request and return the decoded JSON body."""
        url = self.url(path)
        async with self._limiter:
            self.request_count += 1
            try:
                async with self._session.request(
                    method,
                    url,
                    params=params,
                    data=None if json_body is None else orjson.dumps(json_body),
                    headers=(
                        self._headers
                        if json_body is None
                        else {**self._headers, "Content-Type": "application/json"}
                    ),
                    timeout=self._timeout,
                    ssl=self._ssl,
                ) as response:
                    body = await response.read()
                    status = response.status
                    headers = response.headers
            except TimeoutError as err:
                raise UnraidTimeoutError(f"{method} {path}: no answer in time") from err
            except (aiohttp.ClientError, OSError) as err:
                raise UnraidConnectionError(f"{method} {path}: {err}") from err
        if status == 429:
            hint = _retry_after(headers.get("Retry-After"))
            self._limiter.pause(hint if hint is not None else 1.0)
        if status >= 400:
            _raise_for_status(status, body, headers)
        try:
            data = _loads(body) if body.strip() else None
        except ValueError as err:
            raise UnraidInvalidResponseError(
                f"{method} {path}: body is not JSON"
            ) from err
        if isinstance(data, Mapping) and data.get("success") is False:
            raise UnraidApiError(status, error_message(body))
        return data

    async def _get(self, path: str) -> Any:
        return await self.request("GET", path)

    async def _action(
        self,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: object = None,
    ) -> ActionResponse:
        data = await self.request("POST", path, params=params, json_body=json_body)
        return ActionResponse.parse(data) or ActionResponse(success=True)

    # ----------------------------------------------------------------- reads

    async def get_health(self) -> bool:
        """``GET /health`` (no authentication needed): True when the agent is up."""
        data = await self._get("/health")
        return isinstance(data, Mapping) and data.get("status") == "ok"

    async def get_topic(self, topic: Topic) -> Any:
        """Read a topic's current state over REST, parsed like its frames."""
        return PARSERS[topic](await self._get(TOPIC_ENDPOINTS[topic]))

    async def _object[M](self, topic: Topic, model: type[M]) -> M:
        parsed = await self.get_topic(topic)
        if not isinstance(parsed, model):
            raise UnraidInvalidResponseError(
                f"{TOPIC_ENDPOINTS[topic]}: expected an object"
            )
        return parsed

    async def get_system(self) -> SystemInfo:
        """``GET /system``."""
        return await self._object(Topic.SYSTEM, SystemInfo)

    async def get_array(self) -> ArrayStatus:
        """``GET /array``."""
        return await self._object(Topic.ARRAY, ArrayStatus)

    async def get_disks(self) -> tuple[DiskInfo, ...]:
        """``GET /disks``."""
        return tuple(await self.get_topic(Topic.DISKS))

    async def get_shares(self) -> tuple[ShareInfo, ...]:
        """``GET /shares``."""
        return tuple(await self.get_topic(Topic.SHARES))

    async def get_containers(self) -> tuple[ContainerInfo, ...]:
        """``GET /docker`` (with the update status merged in)."""
        return tuple(await self.get_topic(Topic.CONTAINERS))

    async def get_vms(self) -> tuple[VMInfo, ...]:
        """``GET /vm``."""
        return tuple(await self.get_topic(Topic.VMS))

    async def get_ups(self) -> UPSStatus:
        """``GET /ups``."""
        return await self._object(Topic.UPS, UPSStatus)

    async def get_nut(self) -> NUTResponse:
        """``GET /nut``."""
        return await self._object(Topic.NUT, NUTResponse)

    async def get_gpus(self) -> tuple[GPUMetrics, ...]:
        """``GET /gpu``."""
        return tuple(await self.get_topic(Topic.GPU))

    async def get_network(self) -> tuple[NetworkInfo, ...]:
        """``GET /network``."""
        return tuple(await self.get_topic(Topic.NETWORK))

    async def get_hardware(self) -> HardwareInfo:
        """``GET /hardware/full``."""
        return await self._object(Topic.HARDWARE, HardwareInfo)

    async def get_registration(self) -> Registration:
        """``GET /registration``."""
        return await self._object(Topic.REGISTRATION, Registration)

    async def get_notifications(self) -> NotificationList:
        """``GET /notifications`` (never filtered: the agent's filter mutates its cache)."""
        return await self._object(Topic.NOTIFICATIONS, NotificationList)

    async def get_notification_overview(self) -> NotificationOverview:
        """``GET /notifications/overview``."""
        parsed = NotificationOverview.parse(await self._get("/notifications/overview"))
        if parsed is None:
            raise UnraidInvalidResponseError(
                "/notifications/overview: expected an object"
            )
        return parsed

    async def get_unassigned(self) -> UnassignedDeviceList:
        """``GET /unassigned``."""
        return await self._object(Topic.UNASSIGNED, UnassignedDeviceList)

    async def get_zfs_pools(self) -> tuple[ZFSPool, ...]:
        """``GET /zfs/pools``."""
        return tuple(await self.get_topic(Topic.ZFS_POOLS))

    async def get_zfs_datasets(self) -> tuple[ZFSDataset, ...]:
        """``GET /zfs/datasets``."""
        return tuple(await self.get_topic(Topic.ZFS_DATASETS))

    async def get_zfs_snapshots(self) -> tuple[ZFSSnapshot, ...]:
        """``GET /zfs/snapshots``."""
        return tuple(await self.get_topic(Topic.ZFS_SNAPSHOTS))

    async def get_zfs_arc(self) -> ZFSARCStats:
        """``GET /zfs/arc``."""
        return await self._object(Topic.ZFS_ARC, ZFSARCStats)

    async def get_docker_updates(self) -> ContainerUpdatesResult:
        """``GET /docker/updates`` (the agent's cached check)."""
        return await self._object(Topic.DOCKER_UPDATES, ContainerUpdatesResult)

    async def get_plugin_updates(self) -> PluginList:
        """``GET /plugins/check-updates`` (the agent's cached check)."""
        return await self._object(Topic.PLUGIN_UPDATES, PluginList)

    async def get_os_update(self) -> OSUpdateStatus:
        """``GET /os/update``."""
        return await self._object(Topic.OS_UPDATE, OSUpdateStatus)

    async def get_mover(self) -> MoverStatus:
        """``GET /mover``."""
        return await self._object(Topic.MOVER, MoverStatus)

    async def get_parity_schedule(self) -> ParitySchedule:
        """``GET /array/parity-check/schedule``."""
        return self._require(
            ParitySchedule.parse(await self._get("/array/parity-check/schedule")),
            "/array/parity-check/schedule",
        )

    async def get_parity_history(self) -> ParityCheckHistory:
        """``GET /array/parity-check/history``."""
        return self._require(
            ParityCheckHistory.parse(await self._get("/array/parity-check/history")),
            "/array/parity-check/history",
        )

    async def get_flash(self) -> FlashDriveHealth:
        """``GET /system/flash``."""
        return self._require(
            FlashDriveHealth.parse(await self._get("/system/flash")), "/system/flash"
        )

    async def get_collectors(self) -> CollectorsStatus:
        """``GET /collectors/status``."""
        return self._require(
            CollectorsStatus.parse(await self._get("/collectors/status")),
            "/collectors/status",
        )

    async def get_user_scripts(self) -> tuple[UserScriptInfo, ...]:
        """``GET /user-scripts``."""
        return UserScriptInfo.parse_list(await self._get("/user-scripts"))

    @staticmethod
    def _require[M](parsed: M | None, path: str) -> M:
        if parsed is None:
            raise UnraidInvalidResponseError(f"{path}: expected an object")
        return parsed

    # --------------------------------------------------------------- controls

    async def container_action(self, container_id: str, action: str) -> ActionResponse:
        """Start, stop, restart, pause or unpause a container by its hex id."""
        if action not in _CONTAINER_ACTIONS:
            raise UnraidValidationError(f"unknown container action: {action}")
        if not _CONTAINER_ID.match(container_id):
            raise UnraidValidationError(
                "invalid container ID format: must be 12 or 64 hexadecimal characters"
            )
        return await self._action(f"/docker/{container_id}/{action}")

    async def update_container(
        self, container: str, *, force: bool = False
    ) -> ContainerUpdateResult:
        """Pull the container's image and recreate it (id or name)."""
        if not _CONTAINER_REF.match(container):
            raise UnraidValidationError(f"invalid container reference: {container}")
        data = await self.request(
            "POST",
            f"/docker/{container}/update",
            params={"force": "true"} if force else None,
        )
        return self._require(ContainerUpdateResult.parse(data), "/docker/{id}/update")

    async def update_all_containers(self) -> ContainerBulkUpdateResult:
        """Update every container with an update available."""
        data = await self.request("POST", "/docker/update-all")
        return self._require(
            ContainerBulkUpdateResult.parse(data), "/docker/update-all"
        )

    async def refresh_docker_updates(self) -> ContainerUpdatesResult:
        """Ask the agent to check the registries for container updates now."""
        data = await self.request("POST", "/docker/updates/refresh")
        return self._require(
            ContainerUpdatesResult.parse(data), "/docker/updates/refresh"
        )

    async def refresh_plugin_updates(self) -> PluginList:
        """Ask the agent to check for plugin updates now."""
        data = await self.request("POST", "/plugins/updates/refresh")
        return self._require(PluginList.parse(data), "/plugins/updates/refresh")

    @staticmethod
    def _vm_path(name: str) -> str:
        if not _VM_NAME.match(name) or name[0] in "-." or name[-1] in "-.":
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
        """Archive one notification by its id (file name)."""
        if not notification_id or "/" in notification_id or ".." in notification_id:
            raise UnraidValidationError(f"invalid notification id: {notification_id}")
        data = await self.request(
            "POST", f"/notifications/{quote(notification_id, safe='')}/archive"
        )
        return str(data.get("message", "")) if isinstance(data, Mapping) else ""

    async def execute_user_script(
        self, name: str, *, background: bool = True, wait: bool = False
    ) -> UserScriptResult:
        """Run a User Scripts script."""
        if not _SCRIPT_NAME.match(name):
            raise UnraidValidationError(f"Invalid script name: {name}")
        data = await self.request(
            "POST",
            f"/user-scripts/{name}/execute",
            json_body={"background": background, "wait": wait},
        )
        return self._require(
            UserScriptResult.parse(data), "/user-scripts/{name}/execute"
        )

    async def remote_share_action(self, source: str, *, mount: bool) -> ActionResponse:
        """Mount or unmount an Unassigned Devices remote share."""
        if not source or source.startswith("-") or ".." in source:
            raise UnraidValidationError(f"invalid remote share source: {source}")
        action = "mount" if mount else "unmount"
        return await self._action(
            f"/unassigned/remote-shares/{action}", json_body={"source": source}
        )

    # -------------------------------------------------------------- websocket

    async def connect_websocket(
        self,
        *,
        subscribe: Iterable[Topic] | None = None,
        heartbeat: float | None = 30.0,
    ) -> UnraidWebSocket:
        """Open the agent's event stream (``/api/v1/ws``)."""
        url = self._base.with_scheme(
            "wss" if self._base.scheme == "https" else "ws"
        ).with_path(API_PREFIX + "/ws")
        try:
            async with asyncio.timeout(self._timeout.total):
                ws = await self._session.ws_connect(
                    url,
                    headers=self._headers,
                    heartbeat=heartbeat,
                    ssl=self._ssl,
                    timeout=aiohttp.ClientWSTimeout(ws_close=5.0),
                    autoping=True,
                )
        except aiohttp.WSServerHandshakeError as err:
            if err.status == 401:
                raise UnraidAuthenticationError(401, "Unauthorized") from err
            if err.status == 429:
                raise UnraidRateLimitedError(429, "Too Many Requests", None) from err
            raise UnraidConnectionError(
                f"WebSocket handshake failed: {err.status}"
            ) from err
        except TimeoutError as err:
            raise UnraidTimeoutError("WebSocket handshake timed out") from err
        except (aiohttp.ClientError, OSError) as err:
            raise UnraidConnectionError(f"WebSocket connection failed: {err}") from err
        stream = UnraidWebSocket(ws)
        if subscribe is not None:
            await stream.subscribe(subscribe)
        return stream


__all__ = ["DEFAULT_PORT", "TOPIC_ENDPOINTS", "UnraidClient", "UnraidError"]
