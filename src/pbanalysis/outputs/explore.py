"""The council explorer as readers see it: the chart, the table, what the articles said, the CSV
download, and the widgets that tie them to :func:`pbanalysis.analysis.explore.view`.

:func:`render` turns a view into what is shown (a :class:`Shown`): the chart as PNG
(:mod:`pbanalysis.charts.explore`), the table (:class:`pbanalysis.outputs.tables.Table`), the
register's figures about the council and the table as CSV. :class:`Explorer` holds the controls
(ipywidgets) and calls :meth:`Explorer.update` on every change; ``notebooks/explore.ipynb``
displays it, in JupyterLab or as a web app (``make explore``).
"""

from __future__ import annotations

import base64
import html
import io
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pbanalysis.analysis import explore
from pbanalysis.charts import explore as charts
from pbanalysis.charts import files
from pbanalysis.core import format as fmt
from pbanalysis.core import paths
from pbanalysis.core.atomic import write_text
from pbanalysis.core.errors import ParameterError
from pbanalysis.outputs.tables import STYLE, Column, Table

if TYPE_CHECKING:
    from IPython.display import HTML
    from matplotlib.figure import Figure

#: The explorer draws for a screen: a 16:9 chart 1000 pixels wide.
SCREEN_DPI = 100
#: Where "Save CSV" writes (inside the reports folder).
CSV_DIR_NAME = "explore"


@dataclass
class Shown:
    """What the explorer shows for one view: ``png`` (the chart), ``alt`` (its alt text), ``table``
    (a :class:`Table`), ``said`` (HTML: what the articles said and the rank), ``csv`` (the table's
    text as CSV) and ``csv_name`` (a file name for it)."""

    view: explore.View
    png: bytes
    alt: str
    numbers: dict
    table: Table
    said: str
    csv: str
    csv_name: str


def chart(v: explore.View, size: str = "slide", dpi: float | None = SCREEN_DPI) -> tuple[Figure, str, dict]:
    """The view's chart: lines over the years shown, or bars for one year. Returns (fig, alt, numbers)."""
    m = v.measure
    subtitle = f"{m.definition}"
    if v.breaks:
        subtitle += " Dashed lines: the definition changes; the lines break there."
    if len(v.years) > 1:
        return charts.trend(v.series, m.kind, m.header, v.title, subtitle, v.source, v.breaks, size, dpi)
    t = v.table
    year = v.years[0]
    rows = t[t["role"].isin(["council", "comparator"])]
    values = pd.DataFrame(
        {
            "label": rows["name"],
            "value": rows[year],
            "flag": rows[f"{year}_flag"],
            "chosen": rows["role"] == "council",
        }
    )
    lines = [("England", t.loc[t["role"] == "england", year].iloc[0])]
    if v.comparators != "named":
        lines.append((f"Median of {v.comparator_label}", t.loc[t["role"] == "median", year].iloc[0]))
    return charts.bars(values, m.kind, f"{m.header}, {year}", v.title, subtitle, v.source, lines, size, dpi)


def png_bytes(fig: Figure) -> bytes:
    """A figure as PNG bytes at its own resolution, then closed."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, metadata={"Software": None})
    files.release_pixels(fig)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def table(v: explore.View) -> Table:
    """The view's table for readers: the council, its comparators, their median and England, a column
    per year and the rank in the last year."""
    m = v.measure
    cols = [Column("name", "Council")]
    if v.comparators != "region":
        cols.append(Column("region", "Region"))
    if v.comparators == "named":
        cols.append(Column("council_type", "Council type"))
    cols += [Column(y, f"{m.label}, {y} ({m.unit})", m.kind, flag=f"{y}_flag") for y in v.years]
    notes = list(v.notes)
    df = v.table.copy()
    if "change" in df:
        unit = "percentage points" if m.kind == "pct" else m.unit
        places = 1 if m.kind == "pct" else 0  # points to one decimal, as percentages; people and pounds whole
        # A change in a percentage reads as points (6.0 points), so it is never taken for a count.
        show = fmt.points if m.kind == "pct" else (lambda x, places: fmt.number(x, places))
        df["change_text"] = [
            show(x, places) if not fmt.is_missing(x) else fmt.symbol(f)
            for x, f in zip(v.table["change"], v.table["change_flag"])
        ]
        header = f"Change, {v.years[0]} to {v.years[-1]}" + ("" if m.kind == "pct" else f" ({unit})")
        cols.append(Column("change_text", header))
        if (v.table["change_flag"] == "[z]").all():
            notes.append(
                f"Change: {v.years[0]} and {v.years[-1]} count on different definitions, so no change is given ([z])."
            )
    cols.append(
        Column("rank", f"Rank in {v.years[-1]} of {v.ranked} councils (1 = highest)", "count", flag="rank_flag")
    )
    notes.append("Rank: among every council with a value that year; the median and England are not ranked ([z]).")
    return Table(
        df,
        cols,
        title=f"{m.header}: {v.council['name']} and {v.comparator_label}, {v.year_label}",
        source=v.source.removeprefix("Source: "),  # the table prints its own "Source:"
        notes=notes,
        name="explore",
    )


def csv_text(t: Table) -> str:
    """The table as CSV: the headers in words, numbers unformatted, a missing value as its symbol."""
    data = t.data().astype(object)
    printed = t.frame()
    for col in data.columns:
        miss = printed[col].isin(list(fmt.SYMBOLS))
        data.loc[miss, col] = printed.loc[miss, col]
    return data.to_csv(index=False, lineterminator="\n")


def csv_name(v: explore.View) -> str:
    """A file name for the view's CSV: council, measure and years."""
    from pbanalysis.outputs.briefing_numbers import slugify

    years = v.years[0] if len(v.years) == 1 else f"{v.years[0]}-to-{v.years[-1]}"
    return f"{slugify(v.council['name'])}-{v.measure.key}-{v.comparators}-{years}.csv"


def said(v: explore.View) -> str:
    """HTML: the council's rank, then what the articles said about it, where they named it."""
    e = html.escape
    parts = [f"<p><strong>{e(v.rank_text())}</strong></p>"]
    if v.mentions:
        items = "".join(
            f"<li>{e(x['statement'])} Reported: <strong>{e(x['value'])}</strong> ({e(str(x['period']))}); "
            f"{e(x['publication'])}.</li>"
            for x in v.mentions
        )
        parts.append(f"<p>What the articles said about {e(v.council['name'])}:</p><ul>{items}</ul>")
        parts.append(
            '<p class="pb-note">Reported figures are the articles\' own; they may use another measure, date or '
            "denominator than the official tables above (see the claims check in the report).</p>"
        )
    else:
        parts.append(f"<p>The articles in the register do not name {e(v.council['name'])}.</p>")
    return "".join(parts)


def render(v: explore.View, size: str = "slide", dpi: float | None = SCREEN_DPI) -> Shown:
    """Everything the explorer shows for ``v``."""
    fig, alt, numbers = chart(v, size, dpi)
    t = table(v)
    return Shown(v, png_bytes(fig), alt, numbers, t, said(v), csv_text(t), csv_name(v))


def save_csv(shown: Shown, out_dir: Path | str | None = None) -> Path:
    """Write the shown table as CSV (atomically) into ``reports/explore/``; returns its path."""
    folder = Path(out_dir) if out_dir else paths.REPORTS_DIR / CSV_DIR_NAME
    return write_text(folder / shown.csv_name, shown.csv)


def download_link(shown: Shown) -> str:
    """HTML: a link that saves the shown table as a CSV file in the browser (no server file needed)."""
    data = base64.b64encode(shown.csv.encode("utf-8")).decode("ascii")
    return (
        f'<a download="{html.escape(shown.csv_name)}" href="data:text/csv;base64,{data}" '
        'style="font-weight:bold">Download this table as CSV</a>'
    )


def query_value(name: str, default: object) -> object:
    """A value from the web page's address (``?council=Leeds``) when the explorer is served by Voilà,
    which passes the address's query string to the kernel; ``default`` otherwise."""
    values = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
    return values[name][0] if values.get(name) else default


def static_html(shown: Shown) -> str:
    """The view as plain HTML (chart, rank and reports, table): what a page without a kernel shows."""
    img = base64.b64encode(shown.png).decode("ascii")
    return (
        f'<img src="data:image/png;base64,{img}" alt="{html.escape(shown.alt)}" style="max-width:100%">'
        + shown.said
        + STYLE
        + shown.table.html()
    )


class Page:
    """One view as a plain page (chart, rank, what the articles said, table), with no widgets: what
    the report's HTML shows, where no kernel answers the controls."""

    def __init__(
        self, council: str, measure: str, years: object, comparators: str, named: list[str] | tuple[str, ...] = ()
    ):
        self.shown = render(explore.view(council, measure, years, comparators, named))

    @property
    def view(self) -> explore.View:
        """The view shown."""
        return self.shown.view

    def _repr_html_(self) -> str:
        return static_html(self.shown)

    def __repr__(self) -> str:
        # The plain-text form is saved beside the HTML in the executed notebook: no memory address in
        # it, so two runs give the same bytes.
        v = self.view
        return f"Explorer page: {v.council['name']}, {v.measure.label}, {v.year_label}"


def explorer(
    council: str,
    measure: str,
    years: object,
    comparators: str,
    named: list[str] | tuple[str, ...] = (),
    static: bool = False,
) -> Explorer | Page:
    """The explorer with its controls (:class:`Explorer`), or with ``static`` its view as a plain page
    (:class:`Page`) for an HTML export, which has no kernel to answer the controls."""
    if static:
        return Page(council, measure, years, comparators, named)
    return Explorer(council, measure, years, comparators, named)


class Explorer:
    """The explorer's controls, chart and table, redrawn on every change (:meth:`update`).

    Shows itself in a notebook (and in Voilà) as widgets; :meth:`static` gives the same view as
    plain HTML for a page without a kernel."""

    def __init__(
        self,
        council: str,
        measure: str,
        years: object,
        comparators: str,
        named: list[str] | tuple[str, ...] = (),
    ):
        import ipywidgets as w

        t = explore.tables()
        self.options = explore.council_options(t)
        # Fail at once, before any widget, on a bad starting choice.
        first = explore.view(council, measure, years, comparators, named, t)
        start = self.option(first.council["name"])
        full = {"layout": w.Layout(width="auto"), "style": {"description_width": "9em"}}
        self.council = w.Combobox(
            value=start,
            options=self.options,
            placeholder="Type a council name or GSS code",
            description="Council",
            ensure_option=False,
            continuous_update=False,
            **full,
        )
        self.comparators = w.ToggleButtons(
            options=[("Its region", "region"), ("Its council type", "type"), ("Named councils", "named")],
            value=comparators,
            description="Compare with",
            style={"description_width": "9em", "button_width": "10em"},
        )
        named_options = [self.option(n) for n in named]
        self.named = w.TagsInput(value=named_options, allowed_tags=self.options, allow_duplicates=False)
        self.named_box = w.HBox([w.Label("Named councils (up to five):"), self.named])
        self.measure = w.Dropdown(
            options=[(explore.MEASURES[key].header, key) for key in t.years],
            value=measure,
            description="Measure",
            **full,
        )
        self.years = w.SelectionRangeSlider(
            options=t.years[measure],
            index=(t.years[measure].index(first.years[0]), t.years[measure].index(first.years[-1])),
            description="Years",
            continuous_update=False,
            style={"description_width": "9em"},
            layout=w.Layout(width="40em"),
        )
        self.message = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="1000px", width="100%"))
        self.said = w.HTML()
        self.table = w.HTML()
        self.download = w.HTML()
        self.save = w.Button(description="Save CSV in reports/explore", icon="save", layout=w.Layout(width="auto"))
        self.saved = w.HTML()
        self.save.on_click(self._save)
        for control in (self.council, self.comparators, self.named, self.years):
            control.observe(self._changed, names="value")
        self.measure.observe(self._measure_changed, names="value")
        self.widget = w.VBox(
            [
                self.council,
                self.comparators,
                self.named_box,
                self.measure,
                self.years,
                self.message,
                self.chart,
                self.said,
                self.table,
                w.HBox([self.download, self.save, self.saved]),
            ]
        )
        self.shown: Shown | None = None
        self._quiet = False
        self._show(render(first))

    def option(self, council: str) -> str:
        """The search box's entry for a council given by any name or code ('Somerset (E10000027)')."""
        row = explore.find_council(council)
        return f"{row['council_name']} ({row['gss_code']})" if row["gss_code"] else row["council_name"]

    # -- what a change does ---------------------------------------------------------------

    def choice(self) -> dict:
        """The controls' values, as :func:`pbanalysis.analysis.explore.view` takes them."""
        return {
            "council": self.council.value,
            "measure": self.measure.value,
            "years": tuple(self.years.value),
            "comparators": self.comparators.value,
            "named": list(self.named.value),
        }

    def update(self) -> Shown | None:
        """Redraw from the controls; a bad choice leaves the last view and says what is allowed."""
        try:
            v = explore.view(**self.choice())
        except ParameterError as exc:
            self.message.value = f'<p style="color:#801650"><strong>{html.escape(_reason(exc))}</strong></p>'
            return None
        self._show(render(v))
        return self.shown

    def _show(self, shown: Shown) -> None:
        self.shown = shown
        self.message.value = ""
        self.named_box.layout.display = "" if self.comparators.value == "named" else "none"
        self.chart.value = shown.png
        self.said.value = shown.said
        self.table.value = STYLE + shown.table.html()
        self.download.value = download_link(shown)
        self.saved.value = ""

    def _changed(self, _change=None) -> None:
        if self._quiet:
            return
        self.named_box.layout.display = "" if self.comparators.value == "named" else "none"
        if self.comparators.value == "named" and not self.named.value:
            self.message.value = "<p>Add one to five councils to compare with.</p>"
            return
        self.update()

    def _measure_changed(self, change) -> None:
        years = explore.tables().years[change["new"]]
        self._quiet = True  # one redraw for the measure and its years, not one for each
        try:
            self.years.options = years
            self.years.index = (0, len(years) - 1)
        finally:
            self._quiet = False
        self.update()

    def _save(self, _button=None) -> None:
        if self.shown is not None:
            path = save_csv(self.shown)
            self.saved.value = f"<p>Saved {html.escape(str(path))}</p>"

    @property
    def view(self) -> explore.View:
        """The view shown now."""
        return self.shown.view

    # -- display ----------------------------------------------------------------------------

    def static(self) -> HTML:
        """The current view as plain HTML (an IPython HTML object), for a page without a kernel."""
        from IPython.display import HTML

        return HTML(static_html(self.shown))

    def _repr_mimebundle_(self, **kw):
        return self.widget._repr_mimebundle_(**kw)


def _reason(exc: ParameterError) -> str:
    """A bad choice in words: the value and what is allowed."""
    return f"{exc.name.capitalize()} '{exc.value}' not found or not allowed. Expected {exc.allowed}."
