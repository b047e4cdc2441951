"""Documentation in the code and about the code agrees with the code.

* every public function, method and class in ``src/pbanalysis`` has a docstring,
  and every public function has type hints on its arguments and its return;
* every link and every path named in README.md and docs/*.md exists (a built output: in a built
  report), and the docs lay out every top-level folder;
* every name in docs/trace-a-figure.md is found by grep, and its walk reaches the official row;
* ``make help`` lists every target the Makefile declares phony, and every
  ``make <target>`` the README or the docs mention exists;
* the README is a front door: short, with the two commands and a link to every docs page.
"""

from __future__ import annotations

import ast
import csv
import functools
import io
import os
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pbanalysis.analysis import checks
from pbanalysis.core import paths
from pbanalysis.core.errors import column_letter
from pbanalysis.dataset import data, origins
from pbanalysis.sources import pssex1

SRC = paths.ROOT / "src" / "pbanalysis"
MODULES = sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)
README = paths.ROOT / "README.md"
DOCS = sorted((paths.ROOT / "docs").glob("*.md"))
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


# --------------------------------------------------------------------------- the docs' links and paths

#: Folders a path may be relative to, besides the project's root: the package (``charts/layout.py``).
PATH_BASES = (paths.ROOT, SRC)
#: What the official files' paths are relative to (``pssex1/...``): the folder ``make raw`` reads.
SOURCE_FOLDERS = ("pssex1/", "lookup/", "ascof/")
#: Built by ``make data`` / ``make report`` / ``make briefings``: checked against a built report.
BUILT = ("reports/", "data/processed/")
#: File endings that make a name in backticks a path.
PATH_ENDINGS = re.compile(r"\.(py|md|csv|yaml|yml|json|ipynb|html|xlsx|docx|txt|toml|lock|png|svg|j2|cfg|css|js|mk)$")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _docs_text(text: str) -> str:
    """The prose of a Markdown page: fenced code blocks left out."""
    return FENCE.sub("", text)


def _code_spans(text: str) -> list[str]:
    """The inline code spans (``like this``) of a page's prose."""
    return [m.group(2).strip() for m in CODE_SPAN.finditer(_docs_text(text))]


def _named_paths(text: str) -> list[str]:
    """Paths named in backticks: a span with no space that has a '/' or a file ending (no URLs, options)."""
    out = []
    for span in _code_spans(text):
        if any(c in span for c in " =:") or span.startswith("-") or span.startswith("."):
            if not span.startswith(("../", ".pbanalysis")):
                continue
        if "/" in span or PATH_ENDINGS.search(span):
            out.append(span)
    return out


def _glob(base: Path, name: str) -> list[Path]:
    """What ``name`` names under ``base``: ``<placeholder>`` and ``*`` match anything."""
    pattern = re.sub(r"<[^>]+>", "*", name).rstrip("/")
    if "*" in pattern:
        return sorted(base.glob(pattern))
    return [base / pattern] if (base / pattern).exists() else []


def _tracked_names() -> set[str]:
    out = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True).stdout.split()
    return {Path(t).name for t in out}


def _unresolved_path(name: str, origin_files: set[str], tracked: set[str]) -> str | None:
    """Why ``name`` (a path named in the docs) does not exist, or None when it does. Built outputs
    are left to :func:`test_every_built_path_the_docs_name_is_built`."""
    if name.startswith(BUILT) or name == ".pbanalysis.lock" or name.startswith("/"):
        return None  # built outputs (checked against a built report), or a scratch folder
    if name.startswith("../shared/data"):
        source = paths.DEFAULT_SOURCE_DIR
        rest = name.removeprefix("../shared/data").lstrip("/")
        if not source.exists() or not rest or _glob(source, rest):
            return None
        return f"{name}: not in the source folder {source}"
    if name.startswith(SOURCE_FOLDERS):
        pattern = re.sub(r"<[^>]+>", "*", name)
        if any(Path(f).match(pattern) or f.startswith(name) for f in origin_files):
            return None
        return f"{name}: no official file of that name in data/reference/origins.yaml"
    if name in paths.ORIGINS_YAML.read_text():
        return None  # a path in the repository of an official file's stored copy
    if "/" not in name.rstrip("/"):
        literal = re.sub(r"<[^>]+>|\*", "", name)
        if name.rstrip("/") in tracked or any(t.endswith(literal) for t in tracked) or _glob(paths.ROOT, name):
            return None
        if literal and literal in _code_corpus():
            return None  # a file the code writes (claims.csv, numbers.json)
        return f"{name}: no file of that name in the repository, and no code writes one"
    if any(_glob(base, name) for base in PATH_BASES):
        return None
    return f"{name}: does not exist"


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))


def _anchors(page: Path) -> set[str]:
    return {_slug(h) for h in re.findall(r"^#+\s+(.+)$", _docs_text(page.read_text()), re.M)}


def _unresolved_link(page: Path, target: str) -> str | None:
    if re.match(r"^[a-z]+:", target):
        return None  # a web address: not fetched here
    file, _, anchor = target.partition("#")
    dest = (page.parent / file).resolve() if file else page
    if not dest.exists():
        return f"[...]({target}): {os.path.relpath(dest, paths.ROOT)} does not exist"
    if anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
        return f"[...]({target}): no heading with the anchor #{anchor} in {dest.name}"
    return None


def _docs_pages() -> list[Path]:
    return [README, *DOCS]


@pytest.mark.parametrize("page", _docs_pages(), ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_every_link_and_path_the_docs_name_exists(page: Path):
    text = page.read_text()
    origin_files = set(origins.load_origins())
    tracked = _tracked_names()
    problems = [p for t in LINK.findall(_docs_text(text)) if (p := _unresolved_link(page, t))]
    problems += [p for name in _named_paths(text) if (p := _unresolved_path(name, origin_files, tracked))]
    assert not problems, f"{page.relative_to(paths.ROOT)}:\n  " + "\n  ".join(problems)


def test_the_path_check_can_fail(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("See `src/pbanalysis/nothing_here.py`, `charts/layout.py` and [a](missing.md).\n")
    text = page.read_text()
    named = _named_paths(text)
    assert named == ["src/pbanalysis/nothing_here.py", "charts/layout.py"]
    assert _unresolved_path(named[0], set(), set()) and _unresolved_path(named[1], set(), set()) is None
    assert _unresolved_link(page, "missing.md")
    assert _unresolved_link(paths.ROOT / "README.md", "docs/running.md#no-such-heading")
    assert _unresolved_path("pssex1/pssex1_unitcosts_1999-00.csv", set(origins.load_origins()), set())


@pytest.mark.slow
def test_every_built_path_the_docs_name_is_built(built_report: Path, built_packs: Path):
    """Each ``reports/...`` path the docs name exists in a report built by ``make report`` (the
    briefing packs: in the packs built by ``python -m pbanalysis briefings`` for the tests);
    ``data/processed/...`` after ``make data``."""
    packs = built_packs
    problems = []
    for page in _docs_pages():
        for name in _named_paths(page.read_text()):
            if name.startswith("reports/briefings/"):
                found = _glob(packs, name.removeprefix("reports/briefings/")) or not name.removeprefix(
                    "reports/briefings/"
                )
            elif name.startswith("reports/"):
                found = _glob(built_report, name.removeprefix("reports/")) or name == "reports/"
            elif name.startswith("data/processed/"):
                found = _glob(paths.PROCESSED_DIR, name.removeprefix("data/processed/")) or name == "data/processed/"
            else:
                continue
            if not found:
                problems.append(f"{page.relative_to(paths.ROOT)}: {name} is not built")
    assert not problems, "\n".join(problems)


def test_the_docs_name_every_top_level_folder():
    tracked = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    folders = {t.split("/")[0] for t in tracked if "/" in t and not t.startswith(".")}
    named = {n.split("/")[0] for page in _docs_pages() for n in re.findall(r"^([\w.-]+/)", page.read_text(), re.M)}
    named = {n.rstrip("/") for n in named}
    assert folders <= named, f"no docs page lays out: {sorted(folders - named)}"


# --------------------------------------------------------------------------- tracing a figure

TRACE = paths.ROOT / "docs" / "trace-a-figure.md"


@functools.cache
def _code_corpus() -> str:
    """The text of every tracked file except the docs (README.md, docs/), and of the official
    files when the source folder is present: what ``grep`` searches."""
    tracked = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True).stdout.split()
    docs = ("README.md", "tests/test_docs.py")  # the docs, and this file that names their names
    files = [paths.ROOT / t for t in tracked if not (t in docs or t.startswith("docs/"))]
    if paths.DEFAULT_SOURCE_DIR.exists():
        files += sorted(paths.DEFAULT_SOURCE_DIR.rglob("*.csv"))
    parts = []
    for f in files:
        if f.is_file() and f.suffix not in (".png", ".xlsx", ".docx"):
            parts.append(f.read_bytes().decode("utf-8", errors="replace"))
            if f.is_relative_to(paths.DEFAULT_SOURCE_DIR):
                parts.append(f.read_bytes().decode("cp1252", errors="replace"))
    return "\n".join(parts)


def _not_found(span: str, corpus: str) -> list[str]:
    """The names of a code span that grep does not find: the span itself, else each of its words."""
    if span in corpus:
        return []
    words = [w.strip(".,") for w in re.split(r"[\s,()\"'=:*]+", span)]
    return [w for w in words if w and w not in corpus]


def test_every_name_in_the_traced_figure_is_found_by_grep():
    corpus = _code_corpus()
    if not corpus:
        pytest.skip("not a git checkout")
    text = TRACE.read_text()
    named = set(_named_paths(text))  # paths: test_every_link_and_path_the_docs_name_exists
    missing = {s: m for s in _code_spans(text) if s not in named and (m := _not_found(s, corpus))}
    assert not missing, f"{TRACE.name} names what grep does not find: {missing}"
    assert _not_found("build_no_such_table", corpus) == ["build_no_such_table"]


def _walk() -> dict[str, str]:
    """The ``key=value`` spans of the trace (the extract row it names)."""
    return dict(s.split("=", 1) for s in _code_spans(TRACE.read_text()) if re.fullmatch(r"\w+=\S+", s))


def test_the_traced_figure_reaches_the_official_row():
    """The extract row the trace names exists; the processed column the check reads is built from
    it; the official file it names has an origin record; and the official row and column the trace
    names hold that value (read when the source folder is present)."""
    walk = _walk()
    assert {"source_file", "source_field", "value", "year", "measure"} <= set(walk), walk
    text = TRACE.read_text()

    # the extract row, in data/raw
    extract = next(p for p in _named_paths(text) if p.startswith("data/raw/"))
    raw = pd.read_csv(paths.ROOT / extract, dtype=str, keep_default_na=False)
    keys_here = [k_ for k_ in walk if k_ in raw.columns]
    row = raw[(raw[keys_here] == pd.Series({k_: walk[k_] for k_ in keys_here})).all(axis=1)]
    assert len(row) == 1, f"{extract}: {len(row)} rows match {walk}"

    # the check the trace starts from reads a processed column built from that row
    figure = "pb_spend_direct_payment_share_pct"
    assert f"`{figure}`" in text
    check = checks.load_checks()["checks"][figure]
    measures = {o["measure"] for o in check["official"]}
    named = [m for m in measures if f"`{m}`" in text]
    assert named, f"the trace names none of the check's official measures {sorted(measures)}"
    cy = data.build_council_year(data.load_extract("activity"), data.load_extract("unitcosts"), data.load_councils())
    nat = data.build_national_series(cy).set_index("year")
    assert float(nat.loc[walk["year"], named[0]]) == float(walk["value"])

    # the official file: its origin record, and its row and column
    assert walk["source_file"] in origins.load_origins()
    place = re.search(re.escape(walk["source_file"]) + r", row (\d+), column ([A-Z]+) \(field (\d+)\)", text)
    assert place, f"the trace names no row and column of {walk['source_file']}"
    row_no, letter, field = int(place.group(1)), place.group(2), int(place.group(3))
    assert field == int(walk["source_field"]) and column_letter(field) == letter
    official = paths.DEFAULT_SOURCE_DIR / walk["source_file"]
    if not official.exists():
        pytest.skip(f"the official files are not here ({paths.DEFAULT_SOURCE_DIR})")
    text_, _ = pssex1.decode(official, official.read_bytes())
    cells = list(csv.reader(io.StringIO(text_)))[row_no - 1]
    assert cells[field].replace(",", "") == walk["value"], cells[field]


def _targets_declared() -> set[str]:
    phony = re.search(r"^\.PHONY:(.*)$", MAKEFILE, re.M).group(1).split()
    return set(phony)


def test_make_help_lists_every_target():
    out = subprocess.run(["make", "-s", "help"], cwd=paths.ROOT, capture_output=True, text=True, check=True).stdout
    listed = set(re.findall(r"^\s+make (\S+)", out, re.M))
    assert listed == _targets_declared(), (
        f"make help lists {sorted(listed)}, the Makefile declares {sorted(_targets_declared())}"
    )


@pytest.mark.parametrize("page", _docs_pages(), ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_every_make_target_the_docs_mention_exists(page: Path):
    text = page.read_text()
    mentioned = set(re.findall(r"`make ([a-z][\w-]*)", text)) | set(re.findall(r"^make ([a-z][\w-]*)", text, re.M))
    assert mentioned <= _targets_declared(), (
        f"{page.relative_to(paths.ROOT)} mentions missing targets: {sorted(mentioned - _targets_declared())}"
    )


def test_the_readme_is_a_front_door():
    """At most about 150 lines; the two commands, `make help`, the explorer, the chart command and
    a link to every docs page."""
    text = README.read_text()
    assert len(text.splitlines()) <= 150
    for needed in ("make report", "make test", "make help", "make explore", "python -m pbanalysis chart NAME"):
        assert needed in text, f"README.md does not mention {needed}"
    linked = {Path(t.partition("#")[0]).name for t in LINK.findall(text)}
    assert {p.name for p in DOCS} <= linked, f"README.md links to none of {sorted({p.name for p in DOCS} - linked)}"
