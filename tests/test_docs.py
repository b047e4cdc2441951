"""Documentation in the code and about the code agrees with the code.

* every public function, method and class in ``src/pbanalysis`` has a docstring,
  and every public function has type hints on its arguments and its return;
* the README's layout section names every module in ``src/pbanalysis`` and
  every top-level folder, and names nothing that does not exist;
* ``make help`` lists every target the Makefile declares phony, and every
  ``make <target>`` the README mentions exists.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

from pbanalysis.core import paths

SRC = paths.ROOT / "src" / "pbanalysis"
MODULES = sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)
README = (paths.ROOT / "README.md").read_text()
MAKEFILE = (paths.ROOT / "Makefile").read_text()


def _public_defs(tree: ast.Module):
    """(qualified name, node) for public top-level functions and classes, and public methods."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            yield node.name, node
            if isinstance(node, ast.ClassDef):
                for sub in node.body:
                    if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef) and not sub.name.startswith("_"):
                        yield f"{node.name}.{sub.name}", sub


def _missing_hints(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    a = fn.args
    args = [*a.posonlyargs, *a.args, *a.kwonlyargs]
    if args and args[0].arg in ("self", "cls"):
        args = args[1:]
    missing = [x.arg for x in args if x.annotation is None]
    missing += [f"*{x.arg}" for x in (a.vararg, a.kwarg) if x is not None and x.annotation is None]
    if fn.returns is None:
        missing.append("return")
    return missing


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_public_definition_has_a_docstring_and_type_hints(module: Path):
    tree = ast.parse(module.read_text())
    problems = []
    if not ast.get_docstring(tree):
        problems.append("module docstring")
    for name, node in _public_defs(tree):
        if not (ast.get_docstring(node) or "").strip():
            problems.append(f"{name}: no docstring")
        if not isinstance(node, ast.ClassDef):
            hints = _missing_hints(node)
            if hints:
                problems.append(f"{name}: no type hint for {', '.join(hints)}")
    assert not problems, f"{module.relative_to(paths.ROOT)}:\n  " + "\n  ".join(problems)


def _layout_block() -> str:
    section = README.split("## Layout", 1)[1]
    return re.search(r"```\n(.*?)```", section, re.S).group(1)


def test_readme_layout_names_every_module():
    block = _layout_block()
    names = set(re.findall(r"[\w/]+\.py", block))
    modules = {str(p.relative_to(SRC)) for p in MODULES if p.name not in ("__init__.py", "__main__.py")}
    missing = sorted(m for m in modules if m not in names and Path(m).name not in names)
    assert not missing, f"README layout does not mention: {missing}"


def test_readme_layout_names_nothing_that_does_not_exist():
    block = _layout_block()
    for line in block.splitlines():
        if not line.strip():
            continue
        entry = line.split("  ")[0].strip() if line.startswith("  ") else line.split()[0]
        for name in re.split(r",\s*", entry):
            if line.startswith("  "):
                assert (SRC / name).exists(), f"README layout names src/pbanalysis/{name}, which does not exist"
            else:
                assert (paths.ROOT / name).exists(), f"README layout names {name}, which does not exist"


def test_readme_layout_names_every_top_level_folder():
    tracked = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    folders = {t.split("/")[0] for t in tracked if "/" in t and not t.startswith(".")}
    top = {line.split()[0].split("/")[0] for line in _layout_block().splitlines() if line and not line.startswith(" ")}
    assert folders <= top, f"README layout does not mention: {sorted(folders - top)}"


def _targets_declared() -> set[str]:
    phony = re.search(r"^\.PHONY:(.*)$", MAKEFILE, re.M).group(1).split()
    return set(phony)


def test_make_help_lists_every_target():
    out = subprocess.run(["make", "-s", "help"], cwd=paths.ROOT, capture_output=True, text=True, check=True).stdout
    listed = set(re.findall(r"^\s+make (\S+)", out, re.M))
    assert listed == _targets_declared(), (
        f"make help lists {sorted(listed)}, the Makefile declares {sorted(_targets_declared())}"
    )


def test_every_make_target_the_readme_mentions_exists():
    mentioned = set(re.findall(r"`make ([a-z][\w-]*)", README)) | set(re.findall(r"^make ([a-z][\w-]*)", README, re.M))
    assert mentioned <= _targets_declared(), (
        f"README mentions missing targets: {sorted(mentioned - _targets_declared())}"
    )
