"""A notebook's parameters: the notebooks of the report, their parameters cells and named sets.

Each notebook has one cell tagged ``parameters``, the only home of its defaults
(read with ``papermill.inspect_notebook``: :func:`notebook_parameters`,
:func:`notebook_defaults`); named parameter sets live in
``notebooks/params/<notebook>.yaml`` (:func:`load_param_sets`, checked against
the parameters cell). The runner, the chart registry and the docs read them here.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError

DEFAULT_SET = "default"
#: A set's key that is not a parameter: the title of its page, in words.
TITLE_KEY = "title"


def notebooks() -> list[str]:
    """Names of the report's notebooks (``notebooks/*.ipynb`` without the suffix), sorted."""
    return sorted(p.stem for p in paths.NOTEBOOKS_DIR.glob("*.ipynb"))


def load_param_sets(notebook: str) -> dict[str, dict]:
    """The named parameter sets of a notebook, checked: {set name: {parameter: value}} (each set's
    ``title`` left out: :func:`page_title`)."""
    return {name: {k: v for k, v in params.items() if k != TITLE_KEY} for name, params in _param_sets(notebook).items()}


def page_title(notebook: str, param_set: str = DEFAULT_SET) -> str:
    """The title in words of a run's page: its set's ``title``, else the notebook's and set's names."""
    has_sets = (paths.PARAMS_DIR / f"{notebook}.yaml").exists()
    title = _param_sets(notebook).get(param_set, {}).get(TITLE_KEY) if has_sets else None
    return str(title) if title else f"{notebook}--{param_set}"


def _param_sets(notebook: str) -> dict[str, dict]:
    path = paths.PARAMS_DIR / f"{notebook}.yaml"
    if not path.exists():
        raise InputError(path, f"a YAML file of named parameter sets for {notebook}.ipynb", found="no such file")
    try:
        sets = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            path,
            "valid YAML: set name, then 'parameter: value' lines",
            row=mark.line + 1 if mark else None,
            column=mark.column if mark else None,
            found=str(getattr(exc, "problem", exc)),
        ) from None
    if not isinstance(sets, dict) or not sets:
        raise InputError(
            path, "a mapping of set names to parameter mappings, e.g. 'default: {}'", row=1, found=type(sets).__name__
        )
    declared = notebook_parameters(notebook)
    lines = path.read_text(encoding="utf-8").splitlines()
    for name, params in sets.items():
        row = next((i + 1 for i, line in enumerate(lines) if line.startswith(f"{name}:")), None)
        if params is None:
            sets[name] = params = {}
        if not isinstance(params, dict):
            raise InputError(path, f"a mapping of parameters under set '{name}'", row=row, found=repr(params))
        unknown = sorted(set(params) - set(declared) - {TITLE_KEY})
        if unknown:
            raise InputError(
                path,
                f"parameters of {notebook}.ipynb ({', '.join(declared)})",
                row=row,
                column=unknown[0],
                found=", ".join(unknown),
            )
    return sets


def _parameters_cell_check(notebook: str) -> Path:
    path = paths.NOTEBOOKS_DIR / f"{notebook}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise InputError(path, "exactly one cell tagged 'parameters'", found=f"{len(cells)} cells")
    return path


def inspect(notebook: str) -> dict[str, dict]:
    """``papermill.inspect_notebook`` of a notebook: {name: {name, inferred_type_name, default, help}}.

    ``default`` is the source text of the default value; :func:`notebook_defaults` evaluates it.
    """
    import papermill as pm

    return pm.inspect_notebook(str(_parameters_cell_check(notebook)))


def notebook_parameters(notebook: str) -> list[str]:
    """Names in the notebook's one cell tagged ``parameters``, in order (read by papermill)."""
    return list(inspect(notebook))


def notebook_defaults(notebook: str) -> dict[str, object]:
    """The notebook's parameter defaults as Python values: {name: value} (its parameters cell is their one home)."""
    import ast

    out = {}
    for name, p in inspect(notebook).items():
        try:
            out[name] = ast.literal_eval(p["default"])
        except (ValueError, SyntaxError):
            raise InputError(
                paths.NOTEBOOKS_DIR / f"{notebook}.ipynb",
                "a Python literal (string, number, list, ...) as the default in the 'parameters' cell",
                column=name,
                found=p["default"],
            ) from None
    return out
