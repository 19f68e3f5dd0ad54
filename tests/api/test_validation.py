"""Client-side validation: refused before sending, in agreement with the agent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from hypothesis import HealthCheck, example, given, settings, strategies as st
import pytest

from custom_components.unraid_management_agent.api import (
    UnraidClient,
    UnraidValidationError,
)
from uma_simulator import validation as agent_rules

from .conftest import Agent

type Call = Callable[[UnraidClient], Awaitable[Any]]

REFUSED: list[tuple[str, Call]] = [
    # container lifecycle: hex ids only (12 or 64)
    ("container name", lambda c: c.container_action("plex", "start")),
    ("container 11 hex", lambda c: c.container_action("a" * 11, "start")),
    ("container 13 hex", lambda c: c.container_action("a" * 13, "start")),
    ("container 63 hex", lambda c: c.container_action("a" * 63, "stop")),
    ("container empty", lambda c: c.container_action("", "stop")),
    ("container newline", lambda c: c.container_action("abcdefabcdef\n", "stop")),
    ("container action", lambda c: c.container_action("abcdefabcdef", "kill")),
    # container updates: id or name
    ("ref empty", lambda c: c.update_container("")),
    ("ref traversal", lambda c: c.update_container("a..b")),
    ("ref slash", lambda c: c.update_container("a/b")),
    ("ref leading dash", lambda c: c.update_container("-plex")),
    ("ref newline", lambda c: c.update_container("plex\n")),
    ("ref too long", lambda c: c.update_container("a" * 256)),
    # VMs by name
    ("vm empty", lambda c: c.vm_action("", "start")),
    ("vm leading dash", lambda c: c.vm_action("-vm", "start")),
    ("vm trailing dash", lambda c: c.vm_action("vm-", "start")),
    ("vm leading dot", lambda c: c.vm_action(".vm", "start")),
    ("vm trailing dot", lambda c: c.vm_action("vm.", "start")),
    ("vm slash", lambda c: c.vm_action("a/b", "start")),
    ("vm unicode", lambda c: c.vm_action("Windows ⑪", "start")),
    ("vm newline", lambda c: c.vm_action("vm\n", "start")),
    ("vm too long", lambda c: c.vm_action("a" * 254, "start")),
    ("vm action", lambda c: c.vm_action("Windows 11", "reset")),
    ("vm reset name", lambda c: c.reset_vm("-x")),
    # parity
    ("parity action", lambda c: c.parity_check_action("start")),
    # notifications
    ("notification title", lambda c: c.create_notification("")),
    (
        "notification importance",
        lambda c: c.create_notification("t", importance="critical"),
    ),
    ("archive empty", lambda c: c.archive_notification("")),
    ("archive traversal", lambda c: c.archive_notification("../x.notify")),
    ("archive slash", lambda c: c.archive_notification("a/b.notify")),
    # user scripts
    ("script space", lambda c: c.execute_user_script("my script")),
    ("script slash", lambda c: c.execute_user_script("a/b")),
    ("script dotdot", lambda c: c.execute_user_script("..")),
    ("script dot", lambda c: c.execute_user_script(".")),
    ("script leading dash", lambda c: c.execute_user_script("-x")),
    ("script trailing dot", lambda c: c.execute_user_script("x.")),
    ("script inner dotdot", lambda c: c.execute_user_script("a..b")),
    ("script newline", lambda c: c.execute_user_script("s\n")),
    ("script empty", lambda c: c.execute_user_script("")),
    # remote shares
    ("share empty", lambda c: c.remote_share_action("", mount=True)),
    ("share option", lambda c: c.remote_share_action("-oremount", mount=True)),
    ("share traversal", lambda c: c.remote_share_action("//a/../b", mount=False)),
    ("share bare name", lambda c: c.remote_share_action("scratch", mount=False)),
    ("share no smb share", lambda c: c.remote_share_action("//nas/", mount=True)),
    ("share no nfs export", lambda c: c.remote_share_action("nas:/", mount=True)),
    ("share no nfs server", lambda c: c.remote_share_action(":/x", mount=True)),
    ("share null", lambda c: c.remote_share_action("//a/b\x00", mount=True)),
    (
        "share too long",
        lambda c: c.remote_share_action("//a/" + "é" * 2047, mount=True),
    ),
    # plugins
    ("plugin space", lambda c: c.update_plugin("a b")),
    ("plugin newline", lambda c: c.update_plugin("p\n")),
]


@pytest.mark.parametrize("call", [c for _, c in REFUSED], ids=[n for n, _ in REFUSED])
async def test_refused_before_sending(agent: Agent, call: Call) -> None:
    """Bad arguments raise ``UnraidValidationError``; nothing reaches the agent."""
    with pytest.raises(UnraidValidationError):
        await call(agent.client())
    assert agent.sim.request_log == []


# The agent's validators (mirrored by the simulator) decide; the client must agree.
# "\n" is left out: Go's "$" does not match before a final newline, Python's does,
# so the explicit cases above cover it.
NAMES = st.text(alphabet="aZ09 _.-/\\:", max_size=14)
HEX = st.text(alphabet="0123456789abcdefABCDEFg", min_size=10, max_size=66)


def _accepts(check: Callable[[], object]) -> bool:
    try:
        check()
    except UnraidValidationError:
        return False
    return True


class _Recorder(UnraidClient):
    """A client that records instead of sending."""

    def __init__(self) -> None:
        """Record paths; no transport needed."""
        self.sent: list[str] = []

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        self.sent.append(path)
        return {"success": True}


def _run(coro: Awaitable[Any]) -> None:
    """Run a coroutine that never awaits real I/O to completion."""
    gen = coro.__await__()
    try:
        gen.send(None)
    except StopIteration:
        return
    raise AssertionError("the call waited on I/O")


def _sends(call: Callable[[_Recorder], Awaitable[Any]]) -> bool:
    recorder = _Recorder()
    try:
        _run(call(recorder))
    except UnraidValidationError:
        assert recorder.sent == []
        return False
    assert len(recorder.sent) == 1
    return True


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(HEX)
@example("abcdefabcdef")
@example("ABCDEFABCDEF")
@example("a" * 64)
def test_container_id_agrees(value: str) -> None:
    """Lifecycle ids: the client sends exactly what ``ValidateContainerID`` accepts."""
    sends = _sends(lambda c: c.container_action(value, "start"))
    assert sends == (agent_rules.container_id(value) is None)


@settings(max_examples=300)
@given(NAMES)
@example("a..b")
@example("plex")
def test_container_ref_agrees(value: str) -> None:
    """Update references: the client sends exactly what ``ValidateContainerRef`` accepts."""
    sends = _sends(lambda c: c.update_container(value))
    assert sends == (agent_rules.container_ref(value) is None)


@settings(max_examples=300)
@given(NAMES)
@example("Windows 11")
@example("-vm")
def test_vm_name_agrees(value: str) -> None:
    """VM names: the client sends exactly what ``ValidateVMName`` accepts."""
    sends = _sends(lambda c: c.vm_action(value, "start"))
    assert sends == (agent_rules.vm_name(value) is None)


@settings(max_examples=300)
@given(NAMES)
@example("..")
@example("backup_appdata")
def test_script_name_agrees(value: str) -> None:
    """Script names: the client sends exactly what ``ValidateUserScriptName`` accepts."""
    sends = _sends(lambda c: c.execute_user_script(value))
    assert sends == (agent_rules.user_script_name(value) is None)


@settings(max_examples=500)
@given(st.text(alphabet="ab/:.-\n\r\x00", max_size=12))
@example("scratch")
@example("//a/b")
@example("//a")
@example("a:/b")
@example("a:/")
@example("//" + "a" * 4094)
@example("//" + "a" * 4095)
def test_remote_share_agrees(value: str) -> None:
    """Remote shares: the client sends exactly what ``ValidateRemoteShareSource`` accepts."""
    sends = _sends(lambda c: c.remote_share_action(value, mount=True))
    assert sends == (agent_rules.remote_share_source(value) is None)


def test_valid_names_are_encoded() -> None:
    """VM names with spaces and notification ids are URL-encoded in the path."""
    recorder = _Recorder()
    _run(recorder.vm_action("Windows 11", "start"))
    _run(recorder.archive_notification("a b.notify"))
    assert recorder.sent == [
        "/vm/Windows%2011/start",
        "/notifications/a%20b.notify/archive",
    ]
