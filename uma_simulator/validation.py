"""Input validators with the agent's exact error texts (``daemon/lib/validation.go``)."""

from __future__ import annotations

import re

from .wire import go_quote

_SHORT_ID = re.compile(r"^[a-f0-9]{12}$")
_FULL_ID = re.compile(r"^[a-f0-9]{64}$")
_VM_NAME = re.compile(r"^[a-zA-Z0-9 _.-]{1,253}$")
_CONTAINER_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$")
_SCRIPT_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,255}$")


def container_id(value: str) -> str | None:
    """``ValidateContainerID``: 12- or 64-hex only; return the error text or ``None``."""
    if not value:
        return "container ID cannot be empty"
    lower = value.lower()
    if _SHORT_ID.match(lower) or _FULL_ID.match(lower):
        return None
    return "invalid container ID format: must be 12 or 64 hexadecimal characters"


def container_ref(value: str) -> str | None:
    """``ValidateContainerRef``: hex ID or container name."""
    if not value:
        return "container reference cannot be empty"
    if len(value) > 255:
        return "container reference too long: maximum 255 characters"
    if ".." in value or "/" in value or "\\" in value:
        return "invalid container reference: cannot contain path separators or directory traversal"
    if "\x00" in value:
        return "invalid container reference: cannot contain null bytes"
    if container_id(value) is None or _CONTAINER_NAME.match(value):
        return None
    return (
        "invalid container reference: must be a 12/64 hex ID or a valid container name"
    )


def vm_name(value: str) -> str | None:
    """``ValidateVMName``."""
    if not value:
        return "VM name cannot be empty"
    if len(value) > 253:
        return f"VM name too long: maximum 253 characters, got {len(value)}"
    if not _VM_NAME.match(value):
        return "invalid VM name format: must contain only alphanumeric characters, spaces, hyphens, underscores, and dots"
    if value.startswith("-") or value.endswith("-"):
        return "invalid VM name: cannot start or end with hyphen"
    if value.startswith(".") or value.endswith("."):
        return "invalid VM name: cannot start or end with dot"
    return None


def user_script_name(value: str) -> str | None:
    """``ValidateUserScriptName``."""
    if not value:
        return "user script name cannot be empty"
    if len(value) > 255:
        return f"user script name too long: maximum 255 characters, got {len(value)}"
    if ".." in value:
        return "invalid user script name: cannot contain parent directory references"
    if "/" in value or "\\" in value:
        return "invalid user script name: cannot contain path separators"
    if "\x00" in value:
        return "invalid user script name: cannot contain null bytes"
    if not _SCRIPT_NAME.match(value):
        return "invalid user script name format: must contain only alphanumeric characters, hyphens, underscores, and dots"
    if value.startswith("-") or value.endswith("-"):
        return "invalid user script name: cannot start or end with hyphen"
    if value.startswith(".") or value.endswith("."):
        return "invalid user script name: cannot start or end with dot"
    return None


def remote_share_source(value: str) -> str | None:
    """``ValidateRemoteShareSource``: ``//server/share`` or ``server:/export``."""
    if not value:
        return "remote share source cannot be empty"
    if len(value.encode("utf-8", "surrogatepass")) > 4096:  # Go counts bytes
        return "invalid remote share source: exceeds 4096 characters"
    if any(ch in value for ch in "\x00\n\r"):
        return "invalid remote share source: must not contain control characters"
    if value.startswith("-"):
        return f"invalid remote share source {go_quote(value)}: must not start with a hyphen"
    if ".." in value:
        return f"invalid remote share source {go_quote(value)}: must not contain '..'"
    if value.startswith("//"):
        server, sep, share = value[2:].partition("/")
        if not sep or not server or not share:
            return f"invalid SMB remote share source {go_quote(value)}: expected //server/share"
        return None
    if ":/" in value:
        server, _, export = value.partition(":/")
        if not server or not export:
            return f"invalid NFS remote share source {go_quote(value)}: expected server:/export"
        return None
    return f"invalid remote share source {go_quote(value)}: must be an SMB (//server/share) or NFS (server:/export) source"


def plugin_name(value: str) -> str | None:
    """``ValidatePluginName`` (``^[a-zA-Z0-9_.-]{1,255}$``)."""
    if not value:
        return "plugin name cannot be empty"
    if ".." in value or "/" in value or "\\" in value:
        return "invalid plugin name: cannot contain path components"
    if not _SCRIPT_NAME.match(value):
        return "invalid plugin name format: must contain only alphanumeric characters, hyphens, underscores, and dots"
    return None
