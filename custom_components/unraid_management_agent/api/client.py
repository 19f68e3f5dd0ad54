"""Asyncio REST client for the Unraid Management Agent."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
import logging
from typing import Any, Final

import aiohttp

from ._http import API_PREFIX, DEFAULT_PORT
from .controls import AgentControls
from .events import PARSERS
from .exceptions import (
    UnraidAuthenticationError,
    UnraidConnectionError,
    UnraidError,
    UnraidInvalidResponseError,
    UnraidRateLimitedError,
    UnraidStreamRefusedError,
    UnraidTimeoutError,
)
from .models import (
    ArrayStatus,
    CollectorsStatus,
    ContainerInfo,
    ContainerUpdatesResult,
    DiskInfo,
    DiskSettingsExtended,
    FlashDriveHealth,
    GPUMetrics,
    HardwareInfo,
    MoverStatus,
    NetworkInfo,
    Notification,
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
    VMInfo,
    ZFSARCStats,
    ZFSDataset,
    ZFSPool,
    ZFSSnapshot,
)
from .topics import Topic
from .websocket import UnraidWebSocket

_LOGGER = logging.getLogger(__name__)

#: The agent caps no frame: ``notifications_update`` carries every unread
#: and archived notification (about 350 bytes each). aiohttp's default of
#: 4 MiB is passed at about 12,000 of them; this allows about 190,000.
MAX_FRAME_BYTES: Final = 64 * 1024 * 1024

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


class UnraidClient(AgentControls):
    """Talks to one Unraid Management Agent over REST and WebSocket."""

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

    async def get_unread_notifications(self) -> NotificationList:
        """Read the counts and the unread notifications only (two small requests).

        ``GET /notifications`` and its topic carry the whole archive too,
        which can run to many megabytes.
        """
        overview = await self.get_notification_overview()
        unread = await self._get("/notifications/unread")
        items = unread.get("notifications") if isinstance(unread, Mapping) else None
        return NotificationList(
            overview=overview, notifications=Notification.parse_list(items)
        )

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

    async def get_disk_thresholds(self) -> DiskSettingsExtended:
        """``GET /settings/disk-thresholds`` (global disk temperature thresholds)."""
        return self._require(
            DiskSettingsExtended.parse(await self._get("/settings/disk-thresholds")),
            "/settings/disk-thresholds",
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

    # -------------------------------------------------------------- websocket

    async def connect_websocket(
        self,
        *,
        subscribe: Iterable[str] | None = None,
        heartbeat: float | None = 30.0,
    ) -> UnraidWebSocket:
        """Open the agent's event stream (``/api/v1/ws``)."""
        url = self._base.with_scheme(
            "wss" if self._base.scheme == "https" else "ws"
        ).with_path(API_PREFIX + "/ws")
        try:
            # The agent's rate limiter counts the upgrade as one request.
            async with self._limiter, asyncio.timeout(self._timeout.total):
                ws = await self._session.ws_connect(
                    url,
                    headers=self._headers,
                    heartbeat=heartbeat,
                    ssl=self._ssl,
                    timeout=aiohttp.ClientWSTimeout(ws_close=5.0),
                    autoping=True,
                    max_msg_size=MAX_FRAME_BYTES,
                )
        except aiohttp.WSServerHandshakeError as err:
            if err.status == 401:
                raise UnraidAuthenticationError(401, "Unauthorized") from err
            if err.status == 429:
                raise UnraidRateLimitedError(429, "Too Many Requests", None) from err
            raise UnraidStreamRefusedError(err.status) from err
        except TimeoutError as err:
            raise UnraidTimeoutError("WebSocket handshake timed out") from err
        except (aiohttp.ClientError, OSError) as err:
            raise UnraidConnectionError(f"WebSocket connection failed: {err}") from err
        stream = UnraidWebSocket(ws)
        if subscribe is not None:
            await stream.subscribe(subscribe)
        return stream


__all__ = ["DEFAULT_PORT", "TOPIC_ENDPOINTS", "UnraidClient", "UnraidError"]
