"""The claim checks: how each reported figure is tested, as data.

What it is
----------
``data/reference/claim_checks.yaml`` (``paths.CLAIM_CHECKS_YAML``) sits beside the
register of reported figures. It holds all knowledge about individual figures
that the code needs, so that a new figure is one register row plus one entry
here, and no Python:

``checks``
    one entry per register ``figure_id``: the ``method`` (see
    :data:`METHOD_FIELDS`), the official measure, years and scale it uses, the
    templates of its reason (``basis``: what is compared with what;
    ``not_established``: what the verdict does not show) and ``section``, the
    notebook section that shows it (``notebook#anchor``).
``templates``
    per method and outcome, the sentence that opens every reason. Templates
    are ``str.format`` strings over the names in :data:`PLACEHOLDERS`; they are
    filled from the data, never typed to fit it.
``bias``
    the one place the parts of the proxy's bias are written (``parts``: each with its text and
    its direction on each comparison, ``share`` or ``base``), the words of each direction
    (``directions``), and the computed comparisons a net direction may rest on (``reference``:
    register figures of NI 130 and the year of the proxy they are set against). A check's
    ``bias`` field names its comparison and the parts that apply.
``uses``
    which figures the notebooks use in which role (take-up denominators,
    holder counts, the timeline, targets, the NI 130 reference values, the
    spending split).

:func:`load_checks` validates the file on load: an unknown method, an unknown
``figure_id``, a missing or unknown field, or a template naming an unknown
placeholder raises :class:`~pbanalysis.core.errors.InputError` naming the file,
the entry and the field. :mod:`pbanalysis.analysis.methods` interprets the methods.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from pbanalysis.core import paths
from pbanalysis.core.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["BIAS_COMPARISONS", "BIAS_DIRECTIONS", "METHOD_FIELDS", "OUTCOMES", "PLACEHOLDERS", "USES", "load_checks"]

#: method -> (required fields, optional fields). ``section`` is required for every method.
METHOD_FIELDS: dict[str, tuple[frozenset, frozenset]] = {
    "input": (frozenset({"section"}), frozenset({"basis"})),
    "rebuild": (frozenset({"section", "basis", "not_established"}), frozenset()),
    "bracket": (
        frozenset({"section", "relation", "official", "basis", "not_established"}),
        frozenset({"implied", "implied_label", "implied_unit", "monotonic"}),
    ),
    "reconcile": (
        frozenset({"section", "official", "basis", "not_established"}),
        frozenset({"relation"}),
    ),
    "rank": (frozenset({"section", "measure", "year", "position", "basis", "not_established"}), frozenset()),
    "distribution": (
        frozenset({"section", "measure", "year", "statistic", "basis", "not_established"}),
        frozenset({"threshold", "of_figure"}),
    ),
    "proxy": (frozenset({"section", "official", "basis", "not_established"}), frozenset()),
    "not_rebuildable": (frozenset({"section", "basis"}), frozenset()),
    "later_outcome": (frozenset({"section", "basis", "not_established"}), frozenset()),
}

#: method -> the outcomes it can reach (each needs a sentence in ``templates``).
OUTCOMES: dict[str, tuple[str, ...]] = {
    "input": ("input",),
    "rebuild": ("match", "differs"),
    "bracket": ("consistent", "conditional", "inconsistent", "no_verdict"),
    "reconcile": ("consistent", "conditional", "inconsistent", "no_verdict"),
    "rank": ("agrees", "disagrees"),
    "distribution": ("agrees", "disagrees"),
    "proxy": ("proxy",),
    "not_rebuildable": ("not_rebuildable",),
    "later_outcome": ("reached", "not_reached"),
}

#: Names a template may use; the claims check fills each from the data.
PLACEHOLDERS = frozenset(
    {
        "figure_id",
        "reported",
        "reported_text",
        "precision",
        "low",
        "high",
        "rebuilt",
        "inputs",
        "edge",
        "official",
        "official_value",
        "official_year",
        "official_label",
        "implied_low",
        "implied_high",
        "implied_label",
        "implied_range",
        "bracket_range",
        "relation_text",
        "bracket_low",
        "bracket_high",
        "difference",
        "difference_pct",
        "direction",
        "trend",
        "council",
        "year",
        "rank",
        "of",
        "percentile",
        "position",
        "extreme_council",
        "proxy_value",
        "proxy_share",
        "reported_share",
        "threshold",
        "measure",
        "england_pct",
        "england_counts",
        "gap_points",
        "councils_at_target",
        "councils_published",
        "target_pct",
        "target_period",
        "condition",
        "line",
        "bound",
        "bias",
        "net",
    }
)
#: Fields any check may carry, whatever its method.
COMMON_FIELDS = frozenset({"bias"})
#: The comparisons a bias part may have a direction on, and the directions.
BIAS_COMPARISONS = ("share", "base")
BIAS_DIRECTIONS = ("up", "down", "either")

#: Relations a bracket or reconciliation can test (claim against the official bracket).
RELATIONS = {
    "within": "the claim's implied value must lie inside the official bracket",
    "at_least": "the claim must count at least the official value, a floor",
    "at_most": "the claim must count at most the official value, a ceiling",
}
POSITIONS = frozenset({"highest", "lowest"})
STATISTICS = frozenset({"share_below", "share_above", "one_in_above", "count_at_or_above", "max", "min"})
OFFICIAL_FIELDS = (frozenset({"measure", "years", "label"}), frozenset({"scale", "take"}))
TAKES = frozenset({"each", "min", "max"})

#: The roles in ``uses`` and the figure fields each entry names.
USES = {
    "denominators": ("people", "share"),
    "holders": ("figure",),
    "timeline": ("figure",),
    "targets": ("figure",),
    "ni130_reference": ("figure",),
    "spend_split": ("total", "share"),
    "proxy_series": (),
    "headlines": ("figure",),
}


def _fields_of(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def load_checks(path: Path | str | None = None, figure_ids: Iterable[str] | None = None) -> dict:
    """The validated checks file: a dict with ``checks``, ``templates`` and ``uses``.

    ``path`` defaults to ``paths.CLAIM_CHECKS_YAML`` (read when called, so a
    test can point ``paths`` at a copy). ``figure_ids``, when given, are the
    register's ids: an entry for any other id is refused, and so is a register
    figure without an entry. Problems raise InputError naming the file, the
    entry and the field (as ``key``: "checks.F1.method").
    """
    path = Path(path if path is not None else paths.CLAIM_CHECKS_YAML)
    if not path.is_file():
        raise InputError(path, "an existing YAML file of claim checks", found="no such file")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(path, "valid UTF-8 YAML", found=str(exc).splitlines()[0]) from None

    def fail(where: str, expected: str, found=None):
        raise InputError(path, expected, key=where, found=None if found is None else str(found))

    if not isinstance(doc, dict):
        fail("(top level)", "a mapping with keys checks, templates, bias, uses", type(doc).__name__)
    for key in ("checks", "templates", "bias", "uses"):
        if not isinstance(doc.get(key), dict):
            fail(key, f"a mapping under the top-level key {key!r}", doc.get(key))
    extra = set(doc) - {"checks", "templates", "bias", "uses"}
    if extra:
        fail(sorted(extra)[0], "only the top-level keys checks, templates, bias, uses", sorted(extra)[0])
    known = set(figure_ids) if figure_ids is not None else None

    def check_figure(where: str, fid):
        if not isinstance(fid, str) or (known is not None and fid not in known):
            fail(where, "a figure_id in the register (reported_figures.csv)", fid)

    def check_template(where: str, text):
        if not isinstance(text, str) or not text.strip():
            fail(where, "a non-empty text", text)
        try:
            names = _fields_of(text)
        except ValueError as exc:
            fail(where, f"a valid template ({exc})", text)
        unknown = sorted(names - PLACEHOLDERS)
        if unknown:
            fail(where, "placeholders among " + ", ".join(sorted(PLACEHOLDERS)), "{" + unknown[0] + "}")

    # templates: one sentence per method and outcome
    for method, outcomes in OUTCOMES.items():
        block = doc["templates"].get(method)
        if not isinstance(block, dict):
            fail(f"templates.{method}", "a mapping of outcome -> sentence", block)
        for outcome in outcomes:
            if outcome not in block:
                fail(f"templates.{method}.{outcome}", "a sentence for this outcome", None)
            check_template(f"templates.{method}.{outcome}", block[outcome])
    for method in doc["templates"]:
        if method not in OUTCOMES:
            fail(f"templates.{method}", "a method, one of " + ", ".join(OUTCOMES), method)

    # checks: one entry per figure
    for fid, entry in doc["checks"].items():
        where = f"checks.{fid}"
        check_figure(where, fid)
        if not isinstance(entry, dict):
            fail(where, "a mapping of fields", entry)
        method = entry.get("method")
        if method not in METHOD_FIELDS:
            fail(f"{where}.method", "a method, one of " + ", ".join(METHOD_FIELDS), method)
        required, optional = METHOD_FIELDS[method]
        for name in sorted(required):
            if name not in entry:
                fail(f"{where}.{name}", f"a field {name!r} (required by method {method})", None)
        for name in sorted(set(entry) - required - optional - COMMON_FIELDS - {"method"}):
            fail(f"{where}.{name}", f"only fields of method {method}: " + ", ".join(sorted(required | optional)), name)
        section = entry["section"]
        if not isinstance(section, str) or "#" not in section:
            fail(f"{where}.section", "a notebook section 'notebook#anchor'", section)
        for name in ("basis", "not_established"):
            if name in entry:
                check_template(f"{where}.{name}", entry[name])
        if "relation" in entry and entry["relation"] not in RELATIONS:
            fail(f"{where}.relation", "one of " + ", ".join(RELATIONS), entry["relation"])
        if "official" in entry:
            specs = entry["official"]
            if not isinstance(specs, list) or not specs:
                fail(f"{where}.official", "a list of official measures (measure, years, label)", specs)
            for i, spec in enumerate(specs):
                w = f"{where}.official[{i}]"
                req, opt = OFFICIAL_FIELDS
                if not isinstance(spec, dict):
                    fail(w, "a mapping with measure, years, label", spec)
                for name in sorted(req - set(spec)):
                    fail(f"{w}.{name}", f"a field {name!r}", None)
                for name in sorted(set(spec) - req - opt):
                    fail(f"{w}.{name}", "only fields " + ", ".join(sorted(req | opt)), name)
                if not isinstance(spec["years"], list) or not all(isinstance(y, str) for y in spec["years"]):
                    fail(f"{w}.years", "a list of financial years such as '2009-10'", spec["years"])
                if spec.get("take", "each") not in TAKES:
                    fail(f"{w}.take", "one of " + ", ".join(sorted(TAKES)), spec.get("take"))
        if "implied" in entry and not isinstance(entry["implied"], str):
            fail(f"{where}.implied", "an arithmetic expression over figure_ids", entry["implied"])
        if "position" in entry and entry["position"] not in POSITIONS:
            fail(f"{where}.position", "one of " + ", ".join(sorted(POSITIONS)), entry["position"])
        if "statistic" in entry and entry["statistic"] not in STATISTICS:
            fail(f"{where}.statistic", "one of " + ", ".join(sorted(STATISTICS)), entry["statistic"])
        if "of_figure" in entry:
            check_figure(f"{where}.of_figure", entry["of_figure"])
        uses_bias = any(
            {"bias", "net"} & _fields_of(entry[n])
            for n in ("basis", "not_established")
            if isinstance(entry.get(n), str)
        )
        if uses_bias and "bias" not in entry:
            fail(f"{where}.bias", "a bias field (comparison, parts) for a text that uses {bias} or {net}", None)
        if "bias" in entry:
            b = entry["bias"]
            if not isinstance(b, dict) or b.get("comparison") not in BIAS_COMPARISONS:
                fail(f"{where}.bias.comparison", "one of " + ", ".join(BIAS_COMPARISONS), b)
            parts = b.get("parts")
            if not isinstance(parts, list) or not parts:
                fail(f"{where}.bias.parts", "a list of parts of bias.parts", parts)
            for part in parts:
                known_part = doc["bias"].get("parts", {}).get(part)
                if not isinstance(known_part, dict) or b["comparison"] not in known_part:
                    fail(f"{where}.bias.parts", f"a part of bias.parts with a direction on {b['comparison']}", part)
    if known is not None:
        missing = [f for f in sorted(known) if f not in doc["checks"]]
        if missing:
            fail(f"checks.{missing[0]}", "an entry for every register figure_id", "no entry")

    # bias: the parts, the words of the directions, the reference comparisons
    bias = doc["bias"]
    if not isinstance(bias.get("parts"), dict) or not bias["parts"]:
        fail("bias.parts", "a mapping of part -> text and directions", bias.get("parts"))
    for name, part in bias["parts"].items():
        if not isinstance(part, dict) or not isinstance(part.get("text"), str) or not part["text"].strip():
            fail(f"bias.parts.{name}.text", "a non-empty text", part)
        for key in set(part) - {"text"}:
            if key not in BIAS_COMPARISONS:
                fail(f"bias.parts.{name}.{key}", "a comparison, one of " + ", ".join(BIAS_COMPARISONS), key)
            if part[key] not in BIAS_DIRECTIONS:
                fail(f"bias.parts.{name}.{key}", "a direction, one of " + ", ".join(BIAS_DIRECTIONS), part[key])
    words = bias.get("directions")
    if not isinstance(words, dict) or set(words) != set(BIAS_COMPARISONS):
        fail("bias.directions", "the words of each direction, per comparison: " + ", ".join(BIAS_COMPARISONS), words)
    for comparison, w in words.items():
        if not isinstance(w, dict) or set(w) != set(BIAS_DIRECTIONS):
            fail(f"bias.directions.{comparison}", "the words of each direction: " + ", ".join(BIAS_DIRECTIONS), w)
    for i, ref in enumerate(bias.get("reference") or []):
        if not isinstance(ref, dict) or not isinstance(ref.get("year"), str):
            fail(f"bias.reference[{i}]", "a mapping with figure and year", ref)
        check_figure(f"bias.reference[{i}].figure", ref.get("figure"))

    # uses: the roles figures play in the notebooks
    for role in USES:
        if role not in doc["uses"]:
            fail(f"uses.{role}", f"the role {role!r}", None)
    for role, value in doc["uses"].items():
        if role not in USES:
            fail(f"uses.{role}", "a role, one of " + ", ".join(USES), role)
        items = value.items() if isinstance(value, dict) else enumerate(value or [])
        for key, item in items:
            if not isinstance(item, dict):
                fail(f"uses.{role}.{key}", "a mapping", item)
            if "note" in item:
                for name in sorted(_fields_of(str(item["note"]))):
                    check_figure(f"uses.{role}.{key}.note", name)
            for name in USES[role]:
                if name in item and item[name] is not None:
                    check_figure(f"uses.{role}.{key}.{name}", item[name])
                elif name in ("figure", "people", "total"):
                    fail(f"uses.{role}.{key}.{name}", f"a field {name!r} naming a figure_id", None)
    return doc
