"""One rank rule for every output: ties share a rank and say so; a crowded ceiling is said, not ranked.

:func:`rank` takes a Series of values (one per council, any index) and returns, for each, its rank
(1 = highest unless ``highest_first=False``), how many others share its value, how many have a
value, and the rank in words. Every page that ranks councils calls it, so two pages never give
one council two ranks:

* councils with the same value share the best rank of their group and the text says so:
  "joint 1st with 64 other councils" (``short``: "=1st");
* where ``ceiling`` is given (100 for a share that cannot exceed 100%) and more than half of the
  councils with a value sit at it, those councils are not ranked among themselves: the text says
  "at 100%, with most councils (80 of 150)"; the councils below it keep their ranks;
* a missing value is not ranked ("not ranked: no value") and does not count in ``of``.

Values are compared as given: round them first (to the published precision) if two printed values
should tie.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from pbanalysis.core import format as fmt


def _ordinal(n: int) -> str:
    """1st, 22nd, 1,200th: an ordinal with thousands separators."""
    return f"{n:,}" + fmt.ordinal(n).removeprefix(str(n))


COLUMNS = ["value", "rank", "tied", "of", "at_ceiling", "short", "text"]


def rank(
    values: pd.Series,
    *,
    highest_first: bool = True,
    ceiling: float | None = None,
    noun: str = "councils",
    show: Callable[[float], str] | None = None,
) -> pd.DataFrame:
    """Each value's rank under the one rule (see the module), indexed as ``values``.

    Columns: ``value``; ``rank`` (Int64, 1 = best; missing where there is no value or the value is
    at a crowded ceiling); ``tied`` (how many *others* share the value, 0 when alone); ``of`` (how
    many have a value); ``at_ceiling`` (bool); ``short`` ("1st", "=1st", "at 100%" or "");
    ``text`` ("joint 1st with 64 other councils, of 148", ...). ``noun`` names what is ranked;
    ``show`` prints a value in the text (default: a percentage)."""
    show = show or fmt.pct
    v = pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
    have = v.dropna()
    of = int(len(have))
    r = have.rank(method="min", ascending=not highest_first)
    tied = have.map(have.value_counts()) - 1
    at_ceiling = pd.Series(False, index=v.index)
    crowded = False
    if ceiling is not None and of:
        top = have >= ceiling if highest_first else have <= ceiling
        at_ceiling.loc[top.index[top]] = True
        crowded = int(top.sum()) * 2 > of
    out = pd.DataFrame(index=v.index)
    out["value"] = v
    out["rank"] = pd.array([None] * len(v), dtype="Int64")
    out.loc[have.index, "rank"] = r.astype(int).to_numpy()
    out["tied"] = 0
    out.loc[have.index, "tied"] = tied.astype(int).to_numpy()
    out["of"] = of
    out["at_ceiling"] = at_ceiling.to_numpy()
    shorts, texts = [], []
    for key in v.index:
        value = v[key]
        if np.isnan(value):
            shorts.append("")
            texts.append("not ranked: no value")
            continue
        n, others = int(out.at[key, "rank"]), int(out.at[key, "tied"])
        if crowded and bool(out.at[key, "at_ceiling"]):
            out.at[key, "rank"] = pd.NA
            shorts.append(f"at {show(value)}")
            texts.append(f"at {show(value)}, with most {noun} ({others + 1} of {of}), so not ranked among them")
        elif others:
            other = "other " + (noun if others > 1 else noun.removesuffix("s"))
            shorts.append(f"={_ordinal(n)}")
            texts.append(f"joint {_ordinal(n)} with {others:,} {other}, of {of:,}")
        else:
            shorts.append(_ordinal(n))
            texts.append(f"{_ordinal(n)} of {of:,}")
    out["short"] = shorts
    out["text"] = texts
    return out[COLUMNS]
