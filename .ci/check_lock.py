"""Checks that the locks match pyproject.toml and that the environment is exactly the lock.

Run with the virtual environment's Python after installing requirements-dev.lock and the project:

* every pin carries hashes, and requirements.lock is requirements-dev.lock's pins, unchanged, for
  what the runtime dependencies need;
* every dependency pyproject.toml declares is pinned at a version it allows;
* each lock holds exactly what pyproject.toml's dependencies need, no more (nothing stale) and no
  less, following the installed packages' own requirements;
* ``pip freeze`` lists exactly the dev lock's pins that apply here.

Exit 0 when all hold, 1 listing every difference.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
PROJECT = "tally"
# pip's own tooling lives in every virtual environment and is not a dependency of Tally.
TOOLING = frozenset({"pip", "setuptools", "wheel"})

_PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)\s*(?:;(?P<marker>[^\\]+))?")


class Pin:
    def __init__(
        self, name: str, version: str, marker: str | None, hashes: tuple[str, ...]
    ) -> None:
        self.name = canonicalize_name(name)
        self.version = version
        self.marker = Marker(marker.strip()) if marker else None
        self.hashes = hashes

    def applies(self) -> bool:
        return self.marker is None or self.marker.evaluate()

    def same(self, other: Pin) -> bool:
        return (self.version, str(self.marker), self.hashes) == (
            other.version,
            str(other.marker),
            other.hashes,
        )


def read_lock(path: Path, problems: list[str]) -> dict[str, Pin]:
    """Name -> pin; one entry spans its continuation lines of hashes."""
    entries: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if line[0].isspace() and entries:
            entries[-1].append(stripped)
        else:
            entries.append([stripped])
    pins: dict[str, Pin] = {}
    for entry in entries:
        match = _PIN.match(entry[0])
        if match is None:
            problems.append(f"{path.name}: not an exact pin: {entry[0]}")
            continue
        hashes = tuple(sorted(re.findall(r"--hash=(sha256:[0-9a-f]{64})", " ".join(entry))))
        pin = Pin(match["name"], match["version"], match["marker"], hashes)
        if not hashes:
            problems.append(f"{path.name}: {pin.name}=={pin.version} has no hash")
        pins[pin.name] = pin
    return pins


def declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(text) for text in project["dependencies"]]
    dev = [Requirement(text) for text in project["optional-dependencies"]["dev"]]
    return runtime, dev


def needed(requirements: list[Requirement]) -> set[str]:
    """Every distribution these requirements pull in here, following installed metadata."""
    seen: set[str] = set()
    pending = [(requirement, frozenset(requirement.extras)) for requirement in requirements]
    expanded: set[tuple[str, frozenset[str]]] = set()
    while pending:
        requirement, extras = pending.pop()
        name = canonicalize_name(requirement.name)
        if name == PROJECT:
            continue
        key = (name, extras)
        if key in expanded:
            continue
        expanded.add(key)
        seen.add(name)
        for text in metadata.requires(name) or []:
            dependency = Requirement(text)
            if dependency.marker is None:
                pending.append((dependency, frozenset(dependency.extras)))
                continue
            wanted = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if any(dependency.marker.evaluate(environment) for environment in wanted):
                pending.append((dependency, frozenset(dependency.extras)))
    return seen


def check_declared(
    requirements: list[Requirement], pins: dict[str, Pin], lock: Path, problems: list[str]
) -> None:
    for requirement in requirements:
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{lock.name}: {requirement} is declared in pyproject.toml, not pinned")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(
                f"{lock.name}: {pin.name}=={pin.version} is outside pyproject.toml's {requirement}"
            )


def check_closure(
    requirements: list[Requirement], pins: dict[str, Pin], lock: Path, problems: list[str]
) -> None:
    applicable = {name for name, pin in pins.items() if pin.applies()}
    closure = needed(requirements)
    problems.extend(
        f"{lock.name}: {name} is needed but not pinned" for name in closure - applicable
    )
    problems.extend(
        f"{lock.name}: {name} is pinned but nothing needs it" for name in applicable - closure
    )


def check_runtime_is_dev_subset(
    runtime: dict[str, Pin], dev: dict[str, Pin], problems: list[str]
) -> None:
    for name, pin in runtime.items():
        other = dev.get(name)
        if other is None or not pin.same(other):
            problems.append(
                f"{RUNTIME_LOCK.name}: {name}=={pin.version} differs from {DEV_LOCK.name}"
            )


def check_installed(dev: dict[str, Pin], problems: list[str]) -> None:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    installed: dict[str, str] = {}
    for line in frozen:
        name, _, version = line.partition("==")
        if version and canonicalize_name(name) not in TOOLING | {PROJECT}:
            installed[canonicalize_name(name)] = version
    wanted = {name: pin.version for name, pin in dev.items() if pin.applies()}
    problems.extend(
        f"installed {name}=={installed.get(name, '(none)')}, "
        f"{DEV_LOCK.name} says {wanted.get(name, '(none)')}"
        for name in sorted(installed.keys() | wanted.keys())
        if installed.get(name) != wanted.get(name)
    )


def main() -> int:
    problems: list[str] = []
    runtime_pins = read_lock(RUNTIME_LOCK, problems)
    dev_pins = read_lock(DEV_LOCK, problems)
    runtime, dev = declared()
    check_runtime_is_dev_subset(runtime_pins, dev_pins, problems)
    check_declared(runtime, runtime_pins, RUNTIME_LOCK, problems)
    check_declared(runtime + dev, dev_pins, DEV_LOCK, problems)
    check_closure(runtime, runtime_pins, RUNTIME_LOCK, problems)
    check_closure(runtime + dev, dev_pins, DEV_LOCK, problems)
    check_installed(dev_pins, problems)
    for problem in problems:
        sys.stderr.write(problem + "\n")
    if problems:
        sys.stderr.write("the locks do not match: run .ci/lock (see README, Dependencies)\n")
        return 1
    sys.stdout.write(f"locks match pyproject.toml; {len(dev_pins)} pins installed exactly\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
