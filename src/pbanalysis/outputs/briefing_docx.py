"""A council's briefing as a Word document, filled from the template ``templates/briefing.docx``.

The template (made by ``scripts/make_template.py``, then editable in Word) holds the
layout, styles and fixed wording; :func:`write` fills its fields with docxtpl:

It follows the order of the pack's page: the council today (the latest ASCOF year), what the
articles said, then the earlier years of the council tables.

``title``, ``meta``, ``council``, ``region``, ``council_type``
    the council and where it sits;
``latest``, ``earlier``, ``official``
    the latest ASCOF year, the span of the council tables and the official ASCOF file's years
    (in the headings);
``now_sentences``
    where the council stands now, in the latest ASCOF year (:mod:`pbanalysis.outputs.sentences`);
``ascof_sentences``, ``ascof_title``, ``ascof_rows``, ``ascof_notes``, ``ascof_source``
    the council's ASCOF years before the framework change in words, as a table (values and ranks)
    with its notes, and the source line of the compilation;
``articles``
    what the articles said of the council beside the proxy's view, or the one line saying they did not name it;
``sentences``
    the key points of the earlier years (proxy take-up);
``charts``
    each with ``name``, ``title`` and ``image`` (a PNG at print size whose alt text and title are set
    on the drawing; the chart prints its own title, so the template puts no heading above it): the
    trend chart (``council_trend``) under the ASCOF years, the comparison (``council_comparison``)
    under the earlier years;
``rows``, ``table_title``, ``table_notes``, ``table_source``
    the numbers by year (strings, formatted like the HTML page), the caption, the table's units and
    the meaning of each missing-value symbol it uses, and the source line;
``later``, ``later_note``, ``later_source``
    the official ASCOF file's year for the council;
``definitions``, ``proxy``
    the notes;
``release_status``, ``release_contact``, ``sources_updated``, ``period_line``
    the release basics (:mod:`pbanalysis.outputs.release`) and the period of each measure, filled in here.

Every picture carries its alt text in the drawing's ``descr``; headings use Word's
heading styles; each table has a caption above it and a source line below it, repeats its
header row on each page and right-aligns its numbers. The document's properties are set: title,
author, subject, keywords and language (en-GB), created and modified on the build's date (the
commit's, as the workbook's: :func:`pbanalysis.outputs.datatables.build_stamp`), so two builds of
one commit give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile
from pathlib import Path
from typing import Any

from docx.opc.pkgwriter import PackageWriter
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment

from pbanalysis.core import paths
from pbanalysis.core.atomic import atomic_path
from pbanalysis.core.reproducible_zip import normalise
from pbanalysis.dataset import periods
from pbanalysis.outputs import datatables, release

#: Width of a chart on the page (A4 with 2 cm margins).
CHART_WIDTH_MM = 170
#: Who the document names as its author.
AUTHOR = "The pbanalysis contributors"
LANGUAGE = "en-GB"


class AltTextImage(InlineImage):
    """An inline picture whose drawing carries alt text (``descr``) and a title."""

    def __init__(self, tpl, image_descriptor, alt_text: str, title: str = "", **kw):
        super().__init__(tpl, image_descriptor, **kw)
        self.alt_text, self.title = alt_text, title

    def _insert_image(self):
        pic = self.tpl.current_rendering_part.new_pic_inline(self.image_descriptor, self.width, self.height)
        doc_pr = pic.xpath(".//wp:docPr")[0]
        doc_pr.set("descr", self.alt_text)
        if self.title:
            doc_pr.set("title", self.title)
        return f'</w:t></w:r><w:r><w:drawing>{pic.xml}</w:drawing></w:r><w:r><w:t xml:space="preserve">'


@functools.lru_cache(maxsize=1)
def build_date() -> dt.datetime:
    """The build's date (the commit's, or ``$SOURCE_DATE_EPOCH``), at midnight UTC."""
    day = dt.date.fromisoformat(datatables.build_stamp()["date"])
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def set_properties(doc: Any, title: str, subject: str, when: dt.datetime) -> None:
    """The document's core properties: title, author, subject, keywords, language, dates."""
    cp = doc.core_properties
    cp.title, cp.subject, cp.author, cp.last_modified_by = title, subject, AUTHOR, AUTHOR
    cp.keywords = "personal budgets; direct payments; adult social care; England"
    cp.comments = subject
    cp.language = LANGUAGE
    cp.created = cp.modified = when
    cp.revision = 1


def release_fields() -> dict:
    """The release basics and the period the template prints (as the pack's page does)."""
    r, p = release.release(), periods.periods()
    contact = r.contact + (f" ({r.contact_note})" if r.contact_is_placeholder else "")
    period = f"council tables {p.council}; ASCOF {p.series} (framework changed in {p.framework_break})"
    return {
        "release_status": r.status,
        "release_contact": contact,
        "sources_updated": r.sources_updated,
        "period_line": period[0].upper() + period[1:],
        "official": p.official,
    }


@functools.lru_cache(maxsize=1)
def _template_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


class _Compiled(Environment):
    """A jinja environment that compiles each template text once per process.

    docxtpl compiles the document's XML (and each core property) afresh on every render: for a
    batch of packs from one template, that was two fifths of a Word document's time. A compiled
    template renders any context, so each pack renders the one compiled from the same text."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 (jinja's names)
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


@functools.lru_cache(maxsize=4)
def _patched(xml: str) -> str:
    return DocxTemplate.patch_xml(None, xml)  # a function of the text alone (it uses no state)


class _Template(DocxTemplate):
    """The briefing template, its XML cleaned for jinja once per process (:func:`_patched`)."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)


@functools.lru_cache(maxsize=1)
def _environment() -> _Compiled:
    return _Compiled()


def write(target: Path, context: dict, charts: list[dict], template: Path | None = None) -> Path:
    """Fill the template with ``context`` and ``charts`` (dicts of ``name``, ``title``, ``alt``, ``png``
    bytes); returns ``target``.

    Written atomically."""
    tpl = _Template(io.BytesIO(_template_bytes(Path(template or paths.BRIEFING_TEMPLATE_DOCX))))
    ctx = {**release_fields(), **context}
    ctx["charts"] = [
        {
            "name": c.get("name", ""),
            "title": c["title"],
            "image": AltTextImage(tpl, io.BytesIO(c["png"]), c["alt"], c["title"], width=Mm(CHART_WIDTH_MM)),
        }
        for c in charts
    ]
    tpl.render(ctx, _environment(), autoescape=True)
    subject = f"Personal budgets and direct payments in English adult social care, {periods.periods().report}"
    set_properties(tpl.docx, str(context.get("title", "")), subject, build_date())
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(normalise(_members_zip(tpl)))  # fixed zip dates: two builds give the same bytes
    return target


class _Members:
    """Where python-docx's package writer puts each member of the document: its physical writer's
    interface (``write``, ``close``), keeping each member's bytes."""

    def __init__(self) -> None:
        self.members: dict[str, bytes] = {}

    def write(self, pack_uri, blob: bytes) -> None:
        self.members[pack_uri.membername] = blob

    def close(self) -> None:
        pass


def _members_zip(tpl: DocxTemplate) -> bytes:
    """The filled document as a zip of stored (not deflated) members, for :func:`normalise` to deflate.

    What ``tpl.save`` writes (docxtpl 0.20.2, python-docx 1.2.0: each part marshalled, then the content
    types, the package's relationships and every part with its own) but not deflated: ``normalise``
    reads every member back and deflates it once, so deflating here as well was a third of a Word
    document's time (20 ms a pack of 56 ms), for the same bytes."""
    if tpl.pics_to_replace or tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        raise ValueError("the briefing template replaces no pictures or media")  # what tpl.save would do
    package = tpl.docx.part.package
    for part in package.parts:
        part.before_marshal()
    out = _Members()
    PackageWriter._write_content_types_stream(out, package.parts)
    PackageWriter._write_pkg_rels(out, package.rels)
    PackageWriter._write_parts(out, package.parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob in out.members.items():
            z.writestr(name, blob)
    return buf.getvalue()
