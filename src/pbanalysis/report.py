"""Running the report: notebooks through papermill, HTML with code hidden, and the index page.

``make report`` calls, for each notebook and each named parameter set in
``notebooks/params/<notebook>.yaml``, :func:`run_notebook`, then
:func:`to_html`, and finally :func:`pbanalysis.index_page.write_index`. Every output is written to
a temporary file and renamed into place, so a failed or killed run leaves the
earlier outputs intact. Volatile metadata (timings) is stripped so two runs
give the same executed notebooks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from pbanalysis import paths
from pbanalysis.atomic import atomic_path, write_text
from pbanalysis.errors import InputError, ParameterError, RunError

KERNEL = "python3"
DEFAULT_SET = "default"


def notebooks() -> list[str]:
    return sorted(p.stem for p in paths.NOTEBOOKS_DIR.glob("*.ipynb"))


def load_param_sets(notebook: str) -> dict[str, dict]:
    """The named parameter sets of a notebook, checked: {set name: {parameter: value}}."""
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
        unknown = sorted(set(params) - set(declared))
        if unknown:
            raise InputError(
                path,
                f"parameters of {notebook}.ipynb ({', '.join(declared)})",
                row=row,
                column=unknown[0],
                found=", ".join(unknown),
            )
    return sets


def notebook_parameters(notebook: str) -> list[str]:
    """Names in the notebook's one cell tagged ``parameters``."""
    import ast

    path = paths.NOTEBOOKS_DIR / f"{notebook}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise InputError(path, "exactly one cell tagged 'parameters'", found=f"{len(cells)} cells")
    src = "".join(cells[0]["source"])
    return [
        t.id
        for node in ast.parse(src).body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    ]


def executed_path(notebook: str, param_set: str) -> Path:
    return paths.EXECUTED_DIR / f"{notebook}--{param_set}.ipynb"


def strip_volatile(nb: dict) -> dict:
    """Remove timings and paths that change from run to run."""
    nb["metadata"].pop("papermill", None)
    for c in nb["cells"]:
        md = c.get("metadata", {})
        if "injected-parameters" in md.get("tags", []):
            c["id"] = "injected-parameters"  # papermill gives it a random id
        md.pop("execution", None)
        md.pop("papermill", None)
    return nb


def run_notebook(notebook: str, param_set: str = DEFAULT_SET, progress: bool = True, out: Path | None = None) -> Path:
    """Execute one notebook with one named parameter set into ``reports/notebooks/``."""
    import papermill as pm

    if notebook not in notebooks():
        raise ParameterError("notebook", notebook, notebooks())
    sets = load_param_sets(notebook)
    if param_set not in sets:
        raise ParameterError("param_set", param_set, list(sets))
    params = dict(sets[param_set], run_name=param_set)
    target = Path(out or executed_path(notebook, param_set))
    print(f"running {notebook} [{param_set}] -> {target}", file=sys.stderr, flush=True)
    with atomic_path(target) as tmp:
        tmp_nb = tmp.with_suffix(".ipynb")
        try:
            pm.execute_notebook(
                str(paths.NOTEBOOKS_DIR / f"{notebook}.ipynb"),
                str(tmp_nb),
                parameters=params,
                kernel_name=KERNEL,
                progress_bar=progress,
                cwd=str(paths.NOTEBOOKS_DIR),
            )
            nb = strip_volatile(json.loads(tmp_nb.read_text(encoding="utf-8")))
            tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        except pm.PapermillExecutionError as exc:
            if exc.ename in ("ParameterError", "InputError"):
                raise RunError(f"{notebook} [{param_set}]: {exc.evalue}") from None
            raise RunError(
                f"{notebook} [{param_set}] failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
            ) from None
        finally:
            tmp_nb.unlink(missing_ok=True)
    return target


def to_html(executed) -> Path:
    """Convert an executed notebook to HTML with code hidden, into ``reports/html/``."""
    import nbformat
    from nbconvert import HTMLExporter

    executed = Path(executed)
    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": executed.stem}})
    return write_text(paths.HTML_DIR / f"{executed.stem}.html", body)


def notebook_defaults(notebook: str) -> dict[str, object]:
    """Each parameter's default value, as the notebook's one ``parameters`` cell sets it.

    Returns {parameter name: Python value} in the cell's order, read with
    :func:`papermill.inspect_notebook` (the cell is the only home of a
    notebook's defaults; the chart registry and the docs read them here).
    Raises :class:`InputError` if the notebook is missing, has no parameters
    cell, or a default is not a Python literal.
    """
    import ast

    import papermill as pm

    path = paths.NOTEBOOKS_DIR / f"{notebook}.ipynb"
    if not path.exists():
        raise InputError(path, f"a notebook {notebook}.ipynb in {paths.NOTEBOOKS_DIR}", found="no such file")
    inspected = pm.inspect_notebook(str(path))
    if not inspected:
        raise InputError(path, "a cell tagged 'parameters' setting each parameter's default", found="none")
    out: dict[str, object] = {}
    for name, p in inspected.items():
        try:
            out[name] = ast.literal_eval(p["default"])
        except (ValueError, SyntaxError):
            raise InputError(
                path,
                "a Python literal (string, number, list, ...) as the default in the 'parameters' cell",
                column=name,
                found=p["default"],
            ) from None
    return out
