"""The client package stands alone: no Home Assistant imports, typed, exported."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from custom_components.unraid_management_agent import api

API_DIR = Path(api.__file__).parent
MODULES = sorted(API_DIR.rglob("*.py"))
#: What the package may import besides itself and the standard library.
THIRD_PARTY = {"aiohttp", "orjson", "yarl"}


def _imports(path: Path) -> list[tuple[str, int]]:
    """Return (module name, level) of every import statement in ``path``."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def test_every_module_is_walked() -> None:
    """The walk sees the whole package, models included."""
    names = {path.relative_to(API_DIR).as_posix() for path in MODULES}
    assert {"__init__.py", "_http.py", "client.py", "models/_base.py"} <= names
    assert len(MODULES) >= 20


@pytest.mark.parametrize(
    "path", MODULES, ids=lambda p: p.relative_to(API_DIR).as_posix()
)
def test_no_home_assistant_import(path: Path) -> None:
    """No module of ``api`` imports Home Assistant or the integration around it."""
    for module, level in _imports(path):
        top = module.split(".")[0]
        assert top != "homeassistant", f"{path.name} imports {module}"
        if level == 0:
            assert top != "custom_components", f"{path.name} imports {module}"
        else:
            # Relative imports must stay inside the api package.
            depth = len(path.relative_to(API_DIR).parts) - 1
            assert level <= depth + 1, f"{path.name} reaches outside api: {module}"


def test_only_known_third_party_imports() -> None:
    """The package depends on aiohttp, orjson and yarl only."""
    import sys

    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    seen: set[str] = set()
    for path in MODULES:
        for module, level in _imports(path):
            if level == 0:
                seen.add(module.split(".")[0])
    assert seen - stdlib <= THIRD_PARTY


def test_py_typed_ships() -> None:
    """PEP 561 marker next to the package's ``__init__``."""
    marker = API_DIR / "py.typed"
    assert marker.is_file()


def test_public_names_resolve() -> None:
    """Everything in ``__all__`` exists and the exceptions form one hierarchy."""
    for name in api.__all__:
        assert hasattr(api, name), name
    errors = [
        getattr(api, n)
        for n in api.__all__
        if n.startswith("Unraid") and n.endswith("Error")
    ]
    assert errors and all(issubclass(e, api.UnraidError) for e in errors)
    assert issubclass(api.UnraidTimeoutError, api.UnraidConnectionError)
    assert issubclass(api.UnraidConnectionClosedError, api.UnraidConnectionError)
    assert issubclass(api.UnraidValidationError, ValueError)
    for sub in (
        api.UnraidAuthenticationError,
        api.UnraidRateLimitedError,
        api.UnraidNotFoundError,
        api.UnraidServerError,
        api.UnraidRequestError,
    ):
        assert issubclass(sub, api.UnraidApiError)


def test_topic_tables_are_consistent() -> None:
    """Every REST-served topic has a parser; list topics parse to tuples."""
    assert set(api.TOPIC_ENDPOINTS) <= set(api.PARSERS)
    assert set(api.PARSERS) >= api.LIST_TOPICS
    for topic in api.LIST_TOPICS:
        assert api.PARSERS[topic](None) == ()
    for topic in set(api.PARSERS) - api.LIST_TOPICS:
        assert api.PARSERS[topic](None) is None
