"""The layers stay honest: pages → app → (labs, runs, board, lessons) → core, nothing pointing upward.

Each file is parsed (``ast``), never imported, so an import inside a function counts as much as one at the top.
- only ``app/``, ``pages/`` and ``playground.py`` touch Streamlit: nothing under core, labs, runs, board or
  lessons imports ``streamlit`` or ``app``;
- ``core/`` is the maths only: it imports none of labs, runs, board, lessons or app;
- ``harness/`` (launching the app and a browser, for tests, bench/ and docs/) is no part of the app: nothing the
  app runs imports it, and the Docker image does not copy it;
- no module of the app is over 400 lines: past that a newcomer no longer finds their room in it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from harness import ROOT

BELOW_APP = ("core", "labs", "runs", "board", "lessons")      # no Streamlit, no app/
THE_APP = ("app", *BELOW_APP, "pages")                         # what `streamlit run playground.py` runs
MAX_LINES = 400


def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def app_files() -> list[Path]:
    return [ROOT / "playground.py", *python_files(*THE_APP)]


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file, as an absolute dotted name (a relative import is
    resolved against the file's package)."""
    package = path.relative_to(ROOT).parent.parts
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[:len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            if node.module is None:  # from . import x: x may be a module
                names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    """"file: module" for each import of a module in (or under) ``forbidden``."""
    found = []
    for path in paths:
        for name in sorted(imported(path)):
            if name.split(".")[0] in forbidden:
                found.append(f"{path.relative_to(ROOT)}: {name}")
    return found


def test_the_layers_exist():
    """The checks below pass vacuously if a folder moves: each must still hold code."""
    for folder in THE_APP:
        assert python_files(folder), f"no .py file under {folder}/"


def test_below_the_app_nothing_imports_streamlit_or_app():
    found = offenders(python_files(*BELOW_APP), ("streamlit", "app"))
    assert not found, "Streamlit and app/ belong to app/ and pages/ only, but:\n" + "\n".join(found)


def test_core_is_the_maths_only():
    found = offenders(python_files("core"), ("labs", "runs", "board", "lessons", "app"))
    assert not found, "core/ imports nothing above it, but:\n" + "\n".join(found)


def test_the_app_never_imports_the_harness():
    found = offenders(app_files(), ("harness", "tests", "bench"))
    assert not found, "harness/, tests/ and bench/ are for development only, but the app imports them:\n" + \
        "\n".join(found)


def test_the_image_does_not_ship_the_harness():
    copied = set()
    for line in (ROOT / "deploy" / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            copied.update(part.rstrip("/") for part in line.split()[1:-1])
    assert not copied & {"harness", "tests", "bench", "."}, f"deploy/Dockerfile copies {sorted(copied)}"


@pytest.mark.parametrize("folder", ["playground.py", *THE_APP])
def test_no_module_of_the_app_is_over_400_lines(folder):
    paths = [ROOT / folder] if folder.endswith(".py") else python_files(folder)
    long = {str(p.relative_to(ROOT)): n for p in paths if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"over {MAX_LINES} lines: " + ", ".join(f"{p} ({n})" for p, n in sorted(long.items()))
