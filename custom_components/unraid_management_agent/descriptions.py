"""Entity description types: what an entity reads and how it acts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.components.binary_sensor import BinarySensorEntityDescription
from homeassistant.components.button import ButtonEntityDescription
from homeassistant.components.sensor import SensorEntityDescription
from homeassistant.components.switch import SwitchEntityDescription
from homeassistant.components.update import UpdateEntityDescription
from homeassistant.helpers.typing import StateType

from .api import UnraidClient
from .data import Channel, UnraidData

if TYPE_CHECKING:
    from .coordinator import UnraidCoordinator

type SensorValue = StateType | datetime
type Attributes = dict[str, Any] | None


def _always(*_: Any) -> bool:
    return True


# ----------------------------------------------------------------- server level


@dataclass(frozen=True, kw_only=True)
class ServerSensorDescription(SensorEntityDescription):
    """A sensor of the server, computed from the whole data."""

    channels: tuple[Channel, ...]
    value_fn: Callable[[UnraidData], SensorValue]
    exists_fn: Callable[[UnraidData], bool] = _always
    attrs_fn: Callable[[UnraidData], Attributes] | None = None


@dataclass(frozen=True, kw_only=True)
class ServerBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor of the server."""

    channels: tuple[Channel, ...]
    is_on_fn: Callable[[UnraidData], bool | None]
    exists_fn: Callable[[UnraidData], bool] = _always


@dataclass(frozen=True, kw_only=True)
class ServerButtonDescription(ButtonEntityDescription):
    """A button that sends one command to the agent."""

    channels: tuple[Channel, ...] = ()
    press_fn: Callable[[UnraidClient], Awaitable[Any]]
    #: Called with the agent's answer after a successful press.
    done_fn: Callable[[UnraidCoordinator, Any], None] | None = None
    #: When set, a command the agent took and left unanswered (it outlasted
    #: the agent's write timeout) is no error: this is called instead, with
    #: the data as they were when the command was sent.
    no_answer_fn: Callable[[UnraidCoordinator, UnraidData], None] | None = None
    exists_fn: Callable[[UnraidData], bool] = _always
    #: The button is offered only while its action applies (e.g. "pause"
    #: while a parity check runs).
    available_fn: Callable[[UnraidData], bool] = _always


# ------------------------------------------------------------------- item level


@dataclass(frozen=True, kw_only=True)
class ItemSensorDescription(SensorEntityDescription):
    """A sensor of one item (container, disk, share…).

    The functions read the item, or with ``source_fn`` what it makes of the
    whole data and the item (``source_fn(data, item)``): for an item that
    needs data of other channels, ``source_channels``. A change of those
    recomputes the entity; while a read of them fails their last data is
    used (the entity stays available: they only add to the item).
    """

    value_fn: Callable[[Any], SensorValue]
    exists_fn: Callable[[Any], bool] = _always
    attrs_fn: Callable[[Any], Attributes] | None = None
    source_fn: Callable[[UnraidData, Any], Any] | None = None
    source_channels: tuple[Channel, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ItemBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor of one item (``source_fn`` as for item sensors)."""

    is_on_fn: Callable[[Any], bool | None]
    exists_fn: Callable[[Any], bool] = _always
    attrs_fn: Callable[[Any], Attributes] | None = None
    source_fn: Callable[[UnraidData, Any], Any] | None = None
    source_channels: tuple[Channel, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ItemButtonDescription(ButtonEntityDescription):
    """A button acting on one item; ``press_fn(client, key, item)``."""

    press_fn: Callable[[UnraidClient, str, Any], Awaitable[Any]]
    exists_fn: Callable[[Any], bool] = _always


@dataclass(frozen=True, kw_only=True)
class ItemSwitchDescription(SwitchEntityDescription):
    """A switch of one item whose state the agent reports."""

    is_on_fn: Callable[[Any], bool | None]
    turn_on_fn: Callable[[UnraidClient, str, Any], Awaitable[Any]]
    turn_off_fn: Callable[[UnraidClient, str, Any], Awaitable[Any]]
    exists_fn: Callable[[Any], bool] = _always


@dataclass(frozen=True, kw_only=True)
class ItemUpdateDescription(UpdateEntityDescription):
    """An update entity of one item (container or plugin)."""

    channels: tuple[Channel, ...] = ()
    installed_fn: Callable[[UnraidData, str, Any], str | None]
    latest_fn: Callable[[UnraidData, str, Any], str | None]
    install_fn: Callable[[UnraidClient, str, Any], Awaitable[Any]]
    #: An install the agent took and left unanswered has an unknown outcome:
    #: ``marker_fn(data, key, item)`` notes, when it is sent, what it would
    #: change; ``settle_fn(data, key, item, marker)`` reads the agent's later
    #: reports: True done, False not done, None not reported yet.
    marker_fn: Callable[[UnraidData, str, Any], Any]
    settle_fn: Callable[[UnraidData, str, Any, Any], bool | None]
    #: Called after a successful install (e.g. to mark the update done).
    installed_callback: Callable[[UnraidCoordinator, str], None] | None = None
    title_fn: Callable[[str, Any], str | None] | None = None
    #: "Update all containers" left unanswered puts this entity in progress.
    follows_update_all: bool = False
    exists_fn: Callable[[Any], bool] = _always
