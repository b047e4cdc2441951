"""Create templates/briefing.docx, the Word template of a council briefing (run once; then edit it in Word).

The template holds the layout, styles and fixed wording; docxtpl fills the ``{{ ... }}``
fields and repeats the ``{%p for %}`` paragraphs and ``{%tr for %}`` table rows
(see :mod:`pbanalysis.outputs.briefing_docx` for the fields). Re-running this script
overwrites any edits made in Word: ``.venv/bin/python scripts/make_template.py --force``.
"""

from __future__ import annotations

import argparse
import sys

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pbanalysis.core import paths
from pbanalysis.core.atomic import atomic_path
from pbanalysis.outputs.briefing import ASCOF_DOCX_FIELDS, DOCX_FIELDS

#: Fields printed as numbers: right-aligned in their column, header included.
NUMERIC = frozenset(
    {"people", "council", "region_median", "type_median", "england", "spend", "sds", "sds_rank", "dp", "dp_rank"}
)
#: The language of the text (spelling and hyphenation in Word).
LANGUAGE = "en-GB"

#: The tables' fields, in order (the numbers table, then the ASCOF table); each header cell is
#: filled from ``headers`` / ``ascof_headers``, the column dictionary's header of that field.
COLUMNS, ASCOF_COLUMNS = DOCX_FIELDS, ASCOF_DOCX_FIELDS


def _table(doc, columns: list[str], loop: str, headers: str) -> None:
    """A table whose header row (the fields of ``headers``) repeats on each page and whose second row
    repeats for each of ``loop``."""
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_header(header)
    for cell, field in zip(header.cells, columns):
        cell.text = "{{ " + headers + "." + field + " }}"
        for run in cell.paragraphs[0].runs:
            run.font.bold, run.font.size = True, Pt(9)
        if field in NUMERIC:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[1].cells[0].text = "{%tr for r in " + loop + " %}"
    for cell, field in zip(table.rows[2].cells, columns):
        cell.text = "{{ r." + field + " }}"
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(9)
        if field in NUMERIC:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[3].cells[0].text = "{%tr endfor %}"


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _language(doc, lang: str = LANGUAGE) -> None:
    """Set the document's default language (the styles' ``w:lang``) to ``lang``."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), lang)
    el.set(qn("w:eastAsia"), lang)


def _caption(doc, text: str) -> None:
    """A table's caption, above it, in Word's Caption style, kept on the page of its table."""
    doc.add_paragraph(text, style="Caption").paragraph_format.keep_with_next = True


def _bullets(doc, loop: str) -> None:
    """One bullet for each of ``loop``."""
    doc.add_paragraph("{%p for s in " + loop + " %}")
    doc.add_paragraph("{{ s }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")


def _chart_and_table(doc, chart: str, columns: list[str], prefix: str) -> None:
    """A chart, then its table under a caption, the table's notes and its source line: the fields
    ``{prefix}title``, ``{prefix}rows``, ``{prefix}headers``, ``{prefix}notes`` and ``{prefix}source``
    (the numbers table's are ``table_title``, ``rows``, ``headers``, ``table_notes``, ``table_source``)."""
    words = prefix or "table_"
    _chart(doc, chart)
    _caption(doc, "{{ " + words + "title }}")
    _table(doc, columns, prefix + "rows", prefix + "headers")
    _bullets(doc, words + "notes")
    doc.add_paragraph("{{ " + words + "source }}")


def _chart(doc, name: str) -> None:
    """The chart called ``name``, where the pack has it. Each chart carries its own title, so no
    heading repeats it above the picture."""
    doc.add_paragraph('{%p for c in charts if c.name == "' + name + '" %}')
    doc.add_paragraph("{{ c.image }}")
    doc.add_paragraph("{%p endfor %}")


def build() -> Document:
    """The template document (python-docx ``Document``)."""
    doc = Document()
    _language(doc)
    doc.core_properties.language = LANGUAGE
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(2.0))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(11)
    for name, size in (("Title", 22), ("Heading 1", 15), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.name, st.font.size, st.font.color.rgb = "Arial", Pt(size), RGBColor(0x12, 0x43, 0x6D)
    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("{{ meta }}")
    # The order of the pack's page: the council today (the latest ASCOF year) first, then what the
    # articles said, then the earlier years of the council tables.
    doc.add_heading("Where {{ council }} stands now: {{ latest }}", level=1)
    _bullets(doc, "now_sentences")
    doc.add_heading("Before the {{ latest }} framework change", level=2)
    _bullets(doc, "ascof_sentences")
    _chart_and_table(doc, "council_trend", ASCOF_COLUMNS, "ascof_")
    doc.add_heading("What the articles said", level=1)
    doc.add_paragraph("{%p for s in articles %}")
    doc.add_paragraph("{{ s }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("{{ earlier }}: proxy take-up", level=1)
    _bullets(doc, "sentences")
    _chart_and_table(doc, "council_comparison", COLUMNS, "")
    doc.add_heading("{{ official }} in the official file", level=2)
    doc.add_paragraph("{{ later }}")
    doc.add_paragraph("{{ later_note }}")
    doc.add_paragraph("{{ later_source }}")
    doc.add_heading("Notes", level=1)
    doc.add_paragraph("{{ definitions }}")
    doc.add_paragraph("Proxy take-up: {{ proxy }}")
    doc.add_heading("About this briefing", level=1)
    doc.add_paragraph("Statistical status: {{ release_status }}")
    doc.add_paragraph("Period: {{ period_line }}")
    doc.add_paragraph("Contact: {{ release_contact }}")
    doc.add_paragraph("Sources last updated: {{ sources_updated }}")
    return doc


def main() -> int:
    """Write the template unless it exists (``--force`` overwrites); returns an exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="overwrite an existing template (loses Word edits)")
    args = ap.parse_args()
    target = paths.BRIEFING_TEMPLATE_DOCX
    if target.exists() and not args.force:
        print(f"{target} exists; use --force to overwrite it", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        build().save(tmp)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
