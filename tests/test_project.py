"""The project's own promises: pinned environments agree, notebooks are clean, CI runs the tests."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib

import yaml

from pbanalysis.core import paths


def _project():
    return tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]


def _pins_pyproject():
    """Runtime and test pins together, by package name."""
    deps = _project()["dependencies"] + _project()["optional-dependencies"]["test"]
    return {re.split(r"[=<>]", d)[0].lower(): d for d in deps}


def _pins_conda():
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return {re.split(r"[=<>]", d)[0].lower(): d for d in pip if not d.startswith("-e")}


def test_environment_yml_and_pyproject_pin_the_same_packages():
    assert _pins_pyproject() == _pins_conda()


def test_every_dependency_is_pinned_exactly():
    assert all("==" in d for d in _pins_pyproject().values())


def test_test_tools_are_not_runtime_requirements():
    runtime = {re.split(r"[=<>]", d)[0].lower() for d in _project()["dependencies"]}
    assert not runtime & {"pytest", "nbval", "hypothesis", "pytest-mpl", "ruff", "frictionless"}


def test_user_fixed_packages_are_present():
    pins = _pins_pyproject()
    for pkg in ("jupyter", "pandas", "matplotlib", "seaborn", "papermill", "nbval"):
        assert pkg in pins


def test_notebooks_are_committed_without_outputs():
    nbs = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
    for nb in nbs:
        cells = json.loads(nb.read_text())["cells"]
        for c in cells:
            if c["cell_type"] == "code":
                assert not c.get("outputs") and c.get("execution_count") is None, nb.name


def test_ci_runs_exactly_the_readme_test_command():
    readme = (paths.ROOT / "README.md").read_text()
    assert "make test" in readme
    ci = [
        line
        for line in (paths.ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("set ") and not line.startswith("cd ")
    ]
    # Before it, only the install of Debian's chromium when missing (the explorer's browser tests).
    assert ci[-1] == "make test" and ci[:-1] in (
        [],
        ["command -v chromium || (apt-get update && apt-get install -y chromium)"],
    )


def test_make_help_documents_every_target():
    mk = (paths.ROOT / "Makefile").read_text()
    phony = re.search(r"^\.PHONY: (.+)$", mk, re.M).group(1).split()
    documented = set(re.findall(r"^([a-zA-Z_-]+):.*## ", mk, re.M))
    assert set(phony) <= documented, set(phony) - documented


def test_no_module_outside_paths_builds_a_path_from_the_root():
    for p in (paths.ROOT / "src" / "pbanalysis").rglob("*.py"):
        if p.name == "paths.py":
            continue
        text = p.read_text()
        assert "__file__" not in text, p
        assert not re.search(r"""["'](data|reports|notebooks)/""", text), p


def _changelog_versions() -> list[str]:
    text = (paths.ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## \[(\d+\.\d+\.\d+)\]", text, flags=re.MULTILINE)


def test_changelog_pyproject_citation_and_package_agree_on_the_version():
    import pbanalysis

    version = _project()["version"]
    citation = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert _changelog_versions()[0] == version, "the newest CHANGELOG.md entry is this release"
    assert str(citation["version"]) == version
    assert pbanalysis.__version__ == version


def test_licences_citation_and_changelog_exist():
    for name in ("LICENSE", "DATA_LICENCE.md", "CITATION.cff", "CHANGELOG.md"):
        assert (paths.ROOT / name).stat().st_size > 200, name
    assert "Open Government Licence v3.0" in (paths.ROOT / "DATA_LICENCE.md").read_text(encoding="utf-8")


#: Files that may exceed the size limit: the tidy extracts of the official tables, made by `make raw`.
LARGE_ALLOWED = re.compile(r"^data/raw/(pssex1|ascof)_[^/]*\.csv$")


def test_no_large_file_is_committed_and_pre_commit_checks_the_same():
    files = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True, check=True).stdout
    large = [
        f
        for f in files.split()
        if (paths.ROOT / f).is_file() and (paths.ROOT / f).stat().st_size > 500_000 and not LARGE_ALLOWED.match(f)
    ]
    assert not large, f"files over 500 kB: {large}"
    config = yaml.safe_load((paths.ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert {"ruff", "ruff-format", "nbstripout", "check-added-large-files"} <= set(hooks)
    assert "--maxkb=500" in hooks["check-added-large-files"]["args"]
    assert re.compile(hooks["check-added-large-files"]["exclude"]).pattern == LARGE_ALLOWED.pattern
