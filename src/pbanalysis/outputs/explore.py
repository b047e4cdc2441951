"""The council explorer as readers see it: the chart, the table, what the articles said, the CSV
download, and the widgets that tie them to :func:`pbanalysis.analysis.explore.view`.

:func:`render` turns a view into what is shown (a :class:`Shown`): the chart as PNG
(:mod:`pbanalysis.charts.explore`), the table (:class:`pbanalysis.outputs.tables.Table`), the
register's figures about the council and the table as CSV. :class:`Explorer` holds the controls
(ipywidgets) and calls :meth:`Explorer.update` on every change; ``notebooks/explore.ipynb``
displays it, in JupyterLab or as a web app (``make explore``).
"""

from __future__ import annotations

import asyncio
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
from pbanalysis.core import columns, paths
from pbanalysis.core import format as fmt
from pbanalysis.core.atomic import write_text
from pbanalysis.core.errors import ParameterError
from pbanalysis.outputs.tables import STYLE, Table, col

if TYPE_CHECKING:
    from IPython.display import HTML
    from matplotlib.figure import Figure

#: The explorer draws for a screen: a 16:9 chart 1000 pixels wide.
SCREEN_DPI = 100
#: Where "Save CSV" writes (inside the reports folder).
CSV_DIR_NAME = "explore"
#: Seconds after the page's cell before a served page draws a view its address asked for
#: (:meth:`Explorer._draw_first`): time for the notebook's last cells to run and the page to be sent.
DRAW_AFTER_S = 1.0


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
    #: The same chart as SVG (title and source line included), for a download.
    svg: bytes = b""
    #: The chart's figure until its SVG is made (:meth:`finish`).
    fig: object = None

    def finish(self) -> Shown:
        """Make the SVG of the chart (if not made yet) and close the figure; returns itself."""
        if self.fig is not None:
            self.svg, self.fig = svg_bytes(self.fig), None
        return self

    def file_name(self, ext: str) -> str:
        """The download's file name with extension ``ext`` (csv, png, svg)."""
        return self.csv_name.removesuffix(".csv") + f".{ext}"


def chart(v: explore.View, size: str = "slide", dpi: float | None = SCREEN_DPI) -> tuple[Figure, str, dict]:
    """The view's chart: lines over the years shown, or bars for one year. Returns (fig, alt, numbers)."""
    m = v.measure
    subtitle = f"{m.definition}"
    if v.breaks:
        subtitle += " Dashed lines: the definition changes; the lines break there."
    if len(v.years) > 1:
        return charts.trend(v.series, m.kind, m.header, v.title, subtitle, v.source, v.breaks, size, dpi, v.sides)
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


def png_bytes(fig: Figure, close: bool = True) -> bytes:
    """A figure as PNG bytes at its own resolution, then (``close``) closed."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, metadata={"Software": None})
    files.release_pixels(fig)
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return buf.getvalue()


def svg_bytes(fig: Figure) -> bytes:
    """The figure as SVG (deterministic, like the report's), then closed: the chart on screen."""
    import matplotlib.pyplot as plt

    out = files.fig_bytes(fig, "svg")
    plt.close(fig)
    return out


def table(v: explore.View) -> Table:
    """The view's table for readers: the council, its comparators, their median and England, a column
    per year and the rank in the last year."""
    m = v.measure
    cols = [col("name", entry="council_name")]
    if v.comparators != "region":
        cols.append(col("region"))
    if v.comparators == "named":
        cols.append(col("council_type"))
    cols += [col(y, entry=m.key, flag=f"{y}_flag", qualifier=y) for y in v.years]
    notes = list(v.notes)
    df = v.table.copy()
    if "change" in df:
        # A change in a percentage reads as points (6.0 points), so it is never taken for a count.
        unit = "percentage points" if m.kind == "pct" else m.unit
        kind = "points" if m.kind == "pct" else m.kind
        cols.append(col("change", kind=kind, flag="change_flag", years=v.year_label, change_unit=unit))
        if (v.table["change_flag"] == "[z]").all():
            notes.append(
                f"Change: {v.years[0]} and {v.years[-1]} count on different definitions, so no change is given ([z])."
            )
    cols.append(col("rank_short", missing="[z]", year=v.years[-1], councils=f"{v.ranked:,}"))
    notes.append(
        "Rank: among every council with a value that year; councils with the same value share a rank (=1st: "
        "joint first); the median and England are not ranked ([z])."
    )
    return Table(
        df,
        cols,
        title=f"{m.header}: {v.council['name']} and {v.comparator_label}, {v.year_label}",
        source=v.source.removeprefix("Source: "),  # the table prints its own "Source:"
        notes=notes,
        name="explore",
    )


def csv_frame(v: explore.View) -> pd.DataFrame:
    """The view's table for a spreadsheet: headers in words with the unit, numbers as numbers (a
    missing one empty), and beside each number column a flag column holding its symbol ([x], [c],
    [z]) where it is missing, as the workbook does."""
    m, d = v.measure, v.table
    h = columns.header
    out = pd.DataFrame({h("council_name"): d["name"], h("region"): d["region"], h("council_type"): d["council_type"]})

    def add(header: str, values: pd.Series, flags: pd.Series) -> None:
        out[header] = values
        out[f"{header.rsplit(' (', 1)[0]}: flag"] = [
            fmt.symbol(f) if fmt.is_missing(x) else "" for x, f in zip(values, flags.fillna(""))
        ]

    for y in v.years:
        add(h(m.key, y), d[y], d[f"{y}_flag"])
    if "change" in d:
        unit = "percentage points" if m.kind == "pct" else m.unit
        add(h("change", years=v.year_label, change_unit=unit), d["change"], d["change_flag"])
    add(h("rank_in_year", year=v.years[-1]), d["rank"], d["rank_flag"].where(d["rank_flag"] != "", "[x]"))
    out[h("rank_tied", year=v.years[-1])] = d["rank_tied"]
    return out


def csv_text(v: explore.View) -> str:
    """The view's table as CSV (:func:`csv_frame`)."""
    return csv_frame(v).to_csv(index=False, lineterminator="\n")


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


def render(v: explore.View, size: str = "slide", dpi: float | None = SCREEN_DPI, svg: bool = True) -> Shown:
    """Everything the explorer shows for ``v``; with ``svg=False`` the SVG waits for
    :meth:`Shown.finish` (the explorer shows the chart first, then makes its SVG)."""
    fig, alt, numbers = chart(v, size, dpi)
    t = table(v)
    shown = Shown(v, png_bytes(fig, close=False), alt, numbers, t, said(v), csv_text(v), csv_name(v), fig=fig)
    return shown.finish() if svg else shown


def save_csv(shown: Shown, out_dir: Path | str | None = None) -> Path:
    """Write the shown table as CSV (atomically) into ``reports/explore/``; returns its path."""
    folder = Path(out_dir) if out_dir else paths.REPORTS_DIR / CSV_DIR_NAME
    return write_text(folder / shown.csv_name, shown.csv)


def download_link(shown: Shown) -> str:
    """HTML: links that save the shown table as CSV and the chart on screen as PNG and SVG, in the
    browser (no server file needed)."""
    files_ = [
        ("csv", "text/csv", shown.csv.encode("utf-8"), "Download this table as CSV"),
        ("png", "image/png", shown.png, "the chart as PNG"),
        ("svg", "image/svg+xml", shown.svg, "SVG"),
    ]
    links = [
        f'<a download="{html.escape(shown.file_name(ext))}" class="pb-download-{ext}" '
        f'href="data:{mime};base64,{base64.b64encode(data).decode("ascii")}" style="font-weight:bold">{text}</a>'
        for ext, mime, data, text in files_
        if data
    ]
    return links[0] if len(links) == 1 else ", ".join(links[:-1]) + " or " + links[-1]


#: The address's name for each choice: ?council=Leeds&compare=named&named=York&named=Hull&measure=...&years=...
ADDRESS_NAMES = {
    "council": "council",
    "comparators": "compare",
    "named": "named",
    "measure": "measure",
    "years": "years",
}
_QUERY: dict = {}


def query_string() -> str:
    """The page's query string. Voilà gives it to the kernel in ``QUERY_STRING``; a preheated kernel
    (started before its reader came) waits here for the reader's request, once."""
    if "qs" not in _QUERY:
        if os.environ.get("VOILA_PREHEAT") == "True":
            from voila.utils import get_query_string

            _QUERY["qs"] = get_query_string() or ""
        else:
            _QUERY["qs"] = os.environ.get("QUERY_STRING", "")
    return _QUERY["qs"]


def served() -> bool:
    """Whether this kernel serves a web page (Voilà), not a notebook."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("voila") or os.environ.get("VOILA_PREHEAT") == "True"


def query_value(name: str, default: object) -> object:
    """A value from the web page's address (``?council=Leeds``) when the explorer is served by Voilà,
    which passes the address's query string to the kernel; ``default`` otherwise."""
    values = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
    return values[name][0] if values.get(name) else default


def _years_from_text(text: str) -> object:
    """'2010-11', '2008-09 to 2013-14', '2008-09,2013-14', 'latest' or 'all' as :func:`view` takes years."""
    t = " ".join(str(text).replace(",", " to ").split())
    if t in ("latest", "all"):
        return t
    parts = [x.strip() for x in t.split(" to ")]
    return parts[0] if len(parts) == 1 else tuple(parts)


def from_address(query: str, start: dict) -> tuple[dict, list[str]]:
    """The choice the address ``query`` gives, over ``start`` (the notebook's parameters), and one
    message per value that was not found (what was asked, and the closest matches): that choice
    falls back to ``start``'s. Never raises on a bad address."""
    t = explore.tables()
    q = urllib.parse.parse_qs(query or "", keep_blank_values=False)
    choice, messages = dict(start), []

    def given(key):
        v = q.get(ADDRESS_NAMES[key])
        return v if v else None

    if given("council"):
        try:
            explore.find_council(given("council")[0], t)
            choice["council"] = given("council")[0]
        except ParameterError as exc:
            messages.append(_reason(exc))
    if given("measure"):
        try:
            m = explore.check_measure(given("measure")[0], t)
            if m.key != choice["measure"]:
                choice["measure"], choice["years"] = m.key, "all"
        except ParameterError as exc:
            messages.append(_reason(exc))
    if given("comparators"):
        value = given("comparators")[0]
        if value in explore.COMPARATORS:
            choice["comparators"] = value
        else:
            messages.append(_reason(ParameterError("compare", value, "one of " + ", ".join(explore.COMPARATORS))))
    if given("named"):
        names = [n for v in given("named") for n in v.split(";") if n.strip()]
        good = []
        for n in names:
            try:
                explore.find_council(n, t)
                good.append(n)
            except ParameterError as exc:
                messages.append(_reason(exc).replace("Council", "Named council", 1))
        if len(good) > explore.MAX_NAMED:
            messages.append(f"Named councils: at most {explore.MAX_NAMED}; the first {explore.MAX_NAMED} are shown.")
        choice["named"] = good[: explore.MAX_NAMED]
    if choice["comparators"] == "named" and not choice["named"]:
        choice["comparators"] = "region" if start["comparators"] == "named" else start["comparators"]
        messages.append("Compare with named councils needs one to five councils: compared with its region instead.")
    if given("years"):
        ys = _years_from_text(given("years")[0])
        try:
            code = explore.find_council(choice["council"], t)["council_code"]
            explore.check_years(ys, choice["measure"], t, code)
            choice["years"] = ys
        except ParameterError as exc:
            messages.append(_reason(exc))
    try:
        explore.view(t=t, **choice)
    except ParameterError as exc:  # the parameters themselves clash: the notebook's own choice
        messages.append(_reason(exc))
        choice = dict(start)
    return choice, messages


def to_address(v: explore.View) -> str:
    """The view as a query string, so a copied link opens the same view."""
    pairs = [("council", v.council["gss_code"] or v.council["name"]), ("compare", v.comparators)]
    if v.comparators == "named":
        pairs += [("named", explore.tables().names[c]) for c in v.peers]
    pairs += [("measure", v.measure.key), ("years", v.year_label)]
    return urllib.parse.urlencode(pairs)


def static_html(shown: Shown) -> str:
    """The view as plain HTML (chart, rank and reports, table): what a page without a kernel shows."""
    img = base64.b64encode(shown.png).decode("ascii")
    return (
        f'<img src="data:image/png;base64,{img}" alt="{html.escape(shown.alt)}" style="max-width:100%">'
        + shown.said
        + STYLE
        + shown.table.html()
    )


#: What a page without a kernel says before its view: it is one fixed view, and where the
#: interactive one is.
STATIC_NOTE = (
    '<p class="note"><strong>This page is one fixed view</strong>, the one its settings chose: the council, '
    "measure, years and comparison are named in the chart's title and the table's caption. The controls "
    "that pick any council, measure or years are in the interactive explorer, served from the project's "
    'folder (see "How this page was made" at the end of the page).</p>'
)


def view_in_words(view: explore.View) -> str:
    """The view as text under a heading, for a reader who cannot see the chart: one line a paragraph."""
    lines = [ln.strip() for ln in view.summary().splitlines() if ln.strip()]
    return "<h3>The view in words</h3>" + "".join(f"<p>{html.escape(ln)}</p>" for ln in lines)


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
        return STATIC_NOTE + static_html(self.shown) + view_in_words(self.view)

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
    (:class:`Page`) for an HTML export, which has no kernel to answer the controls. With controls,
    the page's address (served by Voilà) chooses over these parameters (:func:`from_address`)."""
    if static:
        return Page(council, measure, years, comparators, named)
    start = {"council": council, "measure": measure, "years": years, "comparators": comparators, "named": list(named)}
    warm = Explorer.warm(start)  # before the reader comes, in a preheated kernel
    choice, messages = from_address(query_string(), start)
    # A view the address asks for is drawn once the page is sent (served, it need not wait).
    return Explorer(**choice, messages=messages, first=warm if choice == start else None, defer=served())


class Explorer:
    """The explorer's controls, chart and table, redrawn on every change (:meth:`update`).

    Shows itself in a notebook (and in Voilà) as widgets; :meth:`static` gives the same view as
    plain HTML for a page without a kernel. Every change writes the view into the page's address
    (the hidden ``address`` element, read by the page's script)."""

    @staticmethod
    def warm(start: dict) -> Shown | None:
        """Read the tables and draw the starting view once (what a preheated kernel does before its
        reader comes); None when the starting choice is bad."""
        try:
            return render(explore.view(**start))
        except ParameterError:
            return None

    def _later(self, shown: Shown) -> None:
        """Make the SVG download of ``shown`` once the chart is on screen: after this message when
        the kernel's event loop runs (a served page), at once otherwise."""

        def finish():
            if shown is self.shown and shown.fig is not None:
                shown.finish()
                self.download.value = download_link(shown)

        try:
            asyncio.get_running_loop().call_later(0.05, finish)
        except RuntimeError:  # no event loop: a script or a test
            finish()

    def __init__(
        self,
        council: str,
        measure: str,
        years: object,
        comparators: str,
        named: list[str] | tuple[str, ...] = (),
        messages: list[str] | tuple[str, ...] = (),
        first: Shown | None = None,
        defer: bool = False,
    ):
        """``first``: the view already drawn (a preheated kernel's); otherwise the view is drawn
        here, or with ``defer`` just after the page's cell has run (:meth:`_draw_first`)."""
        import ipywidgets as w

        t = explore.tables()
        self.options = explore.council_options(t)
        # Fail at once, before any widget, on a bad starting choice.
        view = first.view if first is not None else explore.view(council, measure, years, comparators, named, t)
        start = self.option(view.council["name"])
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
            value=view.comparators,
            description="Compare with",
            style={"description_width": "9em", "button_width": "10em"},
        )
        named_options = [self.option(t.names[c]) for c in view.peers] if view.comparators == "named" else []
        self.named = w.TagsInput(value=named_options, allowed_tags=self.options, allow_duplicates=False)
        self.named_box = w.HBox([w.Label("Named councils (up to five):"), self.named])
        self.measure = w.Dropdown(
            options=[(explore.MEASURES[key].header, key) for key in t.years],
            value=view.measure.key,
            description="Measure",
            **full,
        )
        have = t.years[view.measure.key]
        self.years = w.SelectionRangeSlider(
            options=have,
            index=(have.index(view.years[0]), have.index(view.years[-1])),
            description="Years",
            continuous_update=False,
            readout=False,  # its readout joins two years with a bare hyphen: the label says "to"
            style={"description_width": "9em"},
            layout=w.Layout(width="40em"),
        )
        self.years_text = w.Label(value=view.year_label)
        self.message = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="1000px", width="100%"))
        self.said = w.HTML()
        self.table = w.HTML()
        self.download = w.HTML()
        self.save = w.Button(description="Save CSV in reports/explore", icon="save", layout=w.Layout(width="auto"))
        self.saved = w.HTML()
        self.save.on_click(self._save)
        if served():  # a web app's reader downloads in the browser; the server's folders are not theirs
            self.save.layout.display = "none"
        self.address = w.HTML(layout=w.Layout(display="none"))
        for control in (self.council, self.comparators, self.named, self.years):
            control.observe(self._changed, names="value")
        self.measure.observe(self._measure_changed, names="value")
        self.widget = w.VBox(
            [
                self.council,
                self.comparators,
                self.named_box,
                self.measure,
                w.HBox([self.years, self.years_text]),
                self.message,
                self.chart,
                self.said,
                self.table,
                w.HBox([self.download, self.save, self.saved]),
                self.address,
            ]
        )
        self.widget.add_class("pb-explorer")
        self.shown: Shown | None = None
        self._first = view
        self._quiet = False
        self._messages = " ".join(messages) + " Showing the view above instead." if messages else ""
        if first is not None:
            self._show(first)
        elif defer:
            self._draw_first()
        else:
            self._show(render(view, svg=False))
        if self._messages:
            self._say(self._messages)

    def _draw_first(self) -> None:
        """Draw the first view a second after the page's cell has run, while the reader's browser
        loads the page's scripts (a served page whose address asks for another view than the
        preheated one). The page is sent without waiting for the chart: the notebook's later cells
        run first (a drawing at once would hold them, and the page with them), and the chart is
        drawn by the time the browser asks for the controls' values (``DRAW_AFTER_S``)."""

        def draw():
            if self.shown is None:  # not drawn meanwhile by a change of the controls
                self._show(render(self._first, svg=False))
                if self._messages:
                    self._say(self._messages)

        try:
            asyncio.get_running_loop().call_later(DRAW_AFTER_S, draw)
        except RuntimeError:  # no event loop: a script or a test
            draw()
            return
        self.message.value = '<p class="pb-drawing">Drawing the chart and the table…</p>'

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
            self._say(_reason(exc))
            return None
        self._show(render(v, svg=False))
        return self.shown

    def _say(self, text: str) -> None:
        self.message.value = f'<p class="pb-message" style="color:#801650"><strong>{html.escape(text)}</strong></p>'

    def _show(self, shown: Shown) -> None:
        self.shown = shown
        self.message.value = ""
        self.named_box.layout.display = "" if self.comparators.value == "named" else "none"
        self.years_text.value = shown.view.year_label
        self.chart.value = shown.png
        self.said.value = shown.said
        self.table.value = STYLE + shown.table.html()
        self.download.value = download_link(shown)
        self.saved.value = ""
        self.address.value = f'<span class="pb-address" data-query="{html.escape(to_address(shown.view))}"></span>'
        self._later(shown)

    def _changed(self, _change=None) -> None:
        if self._quiet:
            return
        self.named_box.layout.display = "" if self.comparators.value == "named" else "none"
        self.years_text.value = explore.year_span(list(self.years.value))
        if self.comparators.value == "named" and not self.named.value:
            self._say("Add one to five councils to compare with.")
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
        """The view shown now (or, before its first drawing, the view being drawn)."""
        return self.shown.view if self.shown is not None else self._first

    # -- display ----------------------------------------------------------------------------

    def static(self) -> HTML:
        """The current view as plain HTML (an IPython HTML object), for a page without a kernel."""
        from IPython.display import HTML

        return HTML(static_html(self.shown))

    def _repr_mimebundle_(self, **kw):
        return self.widget._repr_mimebundle_(**kw)


def _reason(exc: ParameterError) -> str:
    """A bad choice in words: what was not found and what is allowed (the closest matches)."""
    allowed = exc.allowed if isinstance(exc.allowed, str) else ", ".join(map(str, exc.allowed))
    return f"{exc.name.capitalize()} '{exc.value}' not found or not allowed. Expected {allowed}."
