"""Scripted state changes for tests (mixed into :class:`~uma_simulator.Simulator`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from .dto import make
from .scenario_apps import build_container, container_config, new_container_id
from .wire import go_time, go_time_seconds

if TYPE_CHECKING:
    from .simulator import Simulator

_SPECIAL = re.compile(r"""[?\[\]/\\=<>:;,'"&$#*()|~`!{}]""")
_DISALLOWED = re.compile(r"[^0-9a-z -_]")
IMPORTANCES = ("alert", "warning", "normal", "info")


def safe_filename(title: str) -> str:
    """Reproduce the stock notify script's ``safe_filename()``."""
    text = _DISALLOWED.sub("", _SPECIAL.sub("", title).strip())
    return text.replace("-", "_").replace(" ", "_").strip()


class MutationsMixin:
    """Helpers that change the simulated world the way real events would.

    Changes become visible in the next collection of the affected topic, exactly as
    on a real server (REST answers come from the collectors' caches).
    """

    def _sim(self) -> Simulator:
        """Return ``self`` typed as the simulator."""
        return cast("Simulator", self)

    def find_container(self, ref: str) -> dict[str, Any] | None:
        """Return the container whose name, short ID or full ID is ``ref``."""
        for c in self._sim().state.containers:
            if ref in (c["name"], c["id"]) or (
                len(ref) == 64 and ref.startswith(c["id"])
            ):
                return c
        return None

    def _container(self, name: str) -> dict[str, Any]:
        """Return the container ``name`` or raise ``KeyError``."""
        found = self.find_container(name)
        if found is None:
            raise KeyError(f"no container {name!r}")
        return found

    def set_container_state(self, name: str, state: str) -> None:
        """Set a container's Docker state (``running``, ``exited``, ``paused``, ...)."""
        sim = self._sim()
        container = self._container(name)
        container["state"] = state
        sim.state.container_since[container["name"]] = sim.now.timestamp()

    def add_container(
        self,
        name: str,
        image: str = "example/app:latest",
        state: str = "running",
        ports: tuple[int, ...] = (),
    ) -> dict[str, Any]:
        """Add a container (like ``docker run``); return its ``ContainerInfo`` dict."""
        sim = self._sim()
        index = len(sim.state.containers)
        container = build_container(
            name, image, state, ports, index, sim.rng, go_time(sim.now)
        )
        sim.state.containers.append(container)
        sim.state.container_config[name] = container_config(name, ports, index)
        sim.state.container_since[name] = sim.now.timestamp()
        sim.state.image_updates[name] = False
        return container

    def remove_container(self, name: str) -> None:
        """Remove a container (like ``docker rm -f``)."""
        container = self._container(name)
        self._sim().state.containers.remove(container)

    def recreate_container(self, name: str) -> str:
        """Recreate a container from its (now latest) image: same name, new ID; return it."""
        sim = self._sim()
        container = self._container(name)
        container["id"] = new_container_id(sim.rng)
        sim.state.container_since[container["name"]] = sim.now.timestamp()
        sim.state.image_updates[container["name"]] = False
        return str(container["id"])

    def set_image_update(self, name: str, available: bool = True) -> None:
        """Make the registry report (or stop reporting) a newer image for ``name``."""
        self._container(name)
        self._sim().state.image_updates[name] = available

    def add_notification(
        self,
        title: str,
        subject: str = "",
        description: str = "",
        importance: str = "normal",
        link: str = "",
        *,
        archived: bool = False,
        publish: bool = True,
    ) -> str:
        """Drop a notification file like Unraid's notify script; return its ID.

        ``notifications_update`` is published at once (the agent watches the
        notification directories) unless ``publish`` is false.
        """
        sim = self._sim()
        moment = sim.now.replace(microsecond=0)
        note_id = f"{safe_filename(title)[:50]}_{int(moment.timestamp())}.notify"
        sim.state.notifications = [
            n
            for n in sim.state.notifications
            if not (
                n["id"] == note_id
                and n["type"] == ("archive" if archived else "unread")
            )
        ]
        sim.state.notifications.append(
            make(
                "Notification",
                id=note_id,
                title=title,
                subject=subject,
                description=description,
                importance=importance,
                link="" if archived else link,
                timestamp=go_time(moment, utc=True),
                formatted_timestamp=go_time_seconds(moment, utc=True),
                type="archive" if archived else "unread",
            )
        )
        if publish:
            sim.publish("notifications_update")
        return note_id

    def set_disk_spun_down(self, disk_id: str, spun_down: bool = True) -> None:
        """Spin a disk (by id, name or device) down or up; collected on the next advance()."""
        sim = self._sim()
        for disk in sim.state.disks:
            if disk_id in (disk["id"], disk["name"], disk["device"]):
                if spun_down:
                    sim.state.spun_down.add(disk["id"])
                else:
                    sim.state.spun_down.discard(disk["id"])
                sim.trigger("disk")
                sim.trigger("array")
                return
        raise KeyError(f"no disk {disk_id!r}")

    def set_ups_connected(self, connected: bool) -> None:
        """Plug the UPS in or out; while out no ``ups_status_update`` is published."""
        self._sim().state.ups_connected = connected
