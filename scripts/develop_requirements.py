"""Write requirements_develop.txt: what scripts/develop needs beyond the test stack.

The test stack (requirements_test.txt) carries Home Assistant's core dependencies but not
the requirements of its integrations, which ``hass`` normally installs at run time. Some
are never installed that way yet are imported anyway, and then the frontend breaks: to
answer the WebSocket command ``get_services`` HA imports the base components listed in
``homeassistant/helpers/service.py:_base_components`` (camera, assist_satellite, ai_task,
...), whose dependencies need hassil, PyTurboJPEG, mutagen and more.

Method, read from the Home Assistant installed in .venv (nothing is typed by hand):

1. Root integrations:
   - the top-level keys of config/configuration.yaml;
   - ``CORE_INTEGRATIONS`` and ``DEFAULT_INTEGRATIONS`` in ``homeassistant/bootstrap.py``;
   - the imports of ``_base_components()`` in ``homeassistant/helpers/service.py``;
   - ``onboard_integrations`` in ``homeassistant/components/onboarding/views.py``
     (set up by the onboarding's core-config step);
   - ``dependencies`` and ``after_dependencies`` of this integration's manifest.
2. Close over every manifest's ``dependencies`` and ``after_dependencies`` (as HA's own
   requirement processing does).
3. Take every ``requirements`` entry of those manifests (all exact ``==`` pins) and check
   it against ``homeassistant/package_constraints.txt``.

Run ``.venv/bin/python scripts/develop_requirements.py`` after changing the Home Assistant
pin or config/configuration.yaml; ``--check`` exits 1 when the committed file is stale.
"""

from __future__ import annotations

import argparse
import ast
from importlib import metadata
import importlib.util
import json
from pathlib import Path
import re
import sys
import textwrap
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "requirements_develop.txt"
CONFIG = ROOT / "config" / "configuration.yaml"
OWN_MANIFEST = ROOT / "custom_components" / "unraid_management_agent" / "manifest.json"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;]+)$")


def normalize(name: str) -> str:
    """Return the PEP 503 form of a distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def ha_dir() -> Path:
    """Return the installed homeassistant package directory."""
    spec = importlib.util.find_spec("homeassistant")
    if spec is None or spec.origin is None:
        sys.exit(
            "develop_requirements: homeassistant is not installed; run scripts/setup"
        )
    return Path(spec.origin).parent


def strings(node: ast.AST, where: str) -> set[str]:
    """Return the string elements of a set or list literal."""
    if not isinstance(node, ast.Set | ast.List):
        sys.exit(f"develop_requirements: {where} is no longer a literal; update me")
    return {
        e.value
        for e in node.elts
        if isinstance(e, ast.Constant) and isinstance(e.value, str)
    }


def assigned(path: Path, name: str) -> set[str]:
    """Return the strings of the first literal assigned to ``name`` in a module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[ast.expr] = []
        value: ast.AST | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        if value is not None and any(
            isinstance(t, ast.Name) and t.id == name for t in targets
        ):
            return strings(value, f"{path.name}:{name}")
    sys.exit(f"develop_requirements: {name} not found in {path}; update me")


def base_components(path: Path) -> set[str]:
    """Return the components that ``_base_components()`` imports."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and node.name == "_base_components":
            return {
                alias.name
                for imp in ast.walk(node)
                if isinstance(imp, ast.ImportFrom)
                and imp.module == "homeassistant.components"
                for alias in imp.names
            }
    sys.exit(f"develop_requirements: _base_components not found in {path}; update me")


class _AnyTagLoader(yaml.SafeLoader):
    """A YAML loader that accepts Home Assistant's tags (!env_var, !secret, ...)."""


_AnyTagLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def configured_domains() -> set[str]:
    """Return the integrations configured in config/configuration.yaml."""
    config = yaml.load(CONFIG.read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    return {str(key).split(" ")[0] for key in config or {}}


def roots(ha: Path) -> dict[str, set[str]]:
    """Return each group of root integrations, by where it comes from."""
    own = json.loads(OWN_MANIFEST.read_text(encoding="utf-8"))
    return {
        "config/configuration.yaml": configured_domains(),
        "bootstrap": assigned(ha / "bootstrap.py", "CORE_INTEGRATIONS")
        | assigned(ha / "bootstrap.py", "DEFAULT_INTEGRATIONS"),
        "get_services": base_components(ha / "helpers" / "service.py"),
        "onboarding": assigned(
            ha / "components" / "onboarding" / "views.py", "onboard_integrations"
        ),
        "this integration": set(own.get("dependencies", []))
        | set(own.get("after_dependencies", [])),
    }


def closure(ha: Path, start: set[str]) -> dict[str, dict[str, Any]]:
    """Return the manifests of start and everything it (after-)depends on."""
    manifests: dict[str, dict[str, Any]] = {}
    todo = sorted(start)
    while todo:
        domain = todo.pop()
        if domain in manifests:
            continue
        path = ha / "components" / domain / "manifest.json"
        if not path.is_file():
            sys.exit(f"develop_requirements: no core integration {domain!r}")
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifests[domain] = manifest
        todo += manifest.get("dependencies", []) + manifest.get(
            "after_dependencies", []
        )
    return manifests


def constraints(ha: Path) -> dict[str, str]:
    """Return the exact pins of homeassistant/package_constraints.txt."""
    pins = {}
    for line in (
        (ha / "package_constraints.txt").read_text(encoding="utf-8").splitlines()
    ):
        if match := PIN.match(line.split("#")[0].strip()):
            pins[normalize(match[1])] = match[3]
    return pins


def render() -> str:
    """Return the content requirements_develop.txt should have."""
    ha = ha_dir()
    version = metadata.version("homeassistant")
    groups = roots(ha)
    manifests = closure(ha, set().union(*groups.values()))
    pinned = constraints(ha)
    needed_by: dict[str, set[str]] = {}
    for domain, manifest in manifests.items():
        for requirement in manifest.get("requirements", []):
            match = PIN.match(requirement)
            if match is None:
                sys.exit(
                    f"develop_requirements: {domain} requires {requirement!r}, not an exact pin"
                )
            name, version_pin = normalize(match[1]), match[3]
            if pinned.get(name, version_pin) != version_pin:
                sys.exit(
                    f"develop_requirements: {domain} pins {requirement} but "
                    f"package_constraints.txt pins {pinned[name]}"
                )
            needed_by.setdefault(f"{match[1]}=={version_pin}", set()).add(domain)
    lines = [
        f"# Generated by scripts/develop_requirements.py from homeassistant=={version}; do not edit.",
        "# What scripts/develop installs on top of requirements_test.txt: the requirements of",
        "# the integrations Home Assistant sets up or imports for config/configuration.yaml,",
        "# the frontend's get_services and onboarding (see the script's docstring).",
        "# Root integrations:",
    ]
    for where, domains in groups.items():
        lines += textwrap.wrap(
            " ".join(sorted(domains)),
            width=88,
            initial_indent=f"#   {where}: ",
            subsequent_indent="#     ",
        )
    for requirement in sorted(needed_by, key=str.lower):
        lines.append(f"{requirement}  # {', '.join(sorted(needed_by[requirement]))}")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Write the file, or with --check tell whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file is stale"
    )
    args = parser.parse_args()
    content = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != content:
            print(
                f"{OUTPUT.name} is stale for this Home Assistant or config/configuration.yaml; "
                "regenerate it with "
                ".venv/bin/python scripts/develop_requirements.py",
                file=sys.stderr,
            )
            return 1
        return 0
    OUTPUT.write_text(content, encoding="utf-8")
    pins = sum(1 for line in content.splitlines() if line and not line.startswith("#"))
    print(f"wrote {OUTPUT.name}: {pins} pins")
    return 0


if __name__ == "__main__":
    sys.exit(main())
