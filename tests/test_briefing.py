"""Council briefings: numbers, sentences, and the batch against the notebook."""

from __future__ import annotations

import html
import json

import pytest

from pbanalysis.charts import style
from pbanalysis.core import columns
from pbanalysis.core.errors import ParameterError
from pbanalysis.dataset import datapackage
from pbanalysis.outputs import briefing, packs, sentences
from pbanalysis.pipeline import report


def test_briefing_has_rank_comparators_and_three_to_five_sentences():
    b = briefing.council_numbers("Somerset")
    assert b.gss_code == "E10000027" and b.region == "South West"
    assert 1 <= b.rank <= b.of == 152
    assert list(b.comparison["label"][:2]) == ["Somerset", "England"]
    assert 3 <= len(b.sentences) <= 5
    assert all(s.endswith(".") for s in b.sentences)


def test_sentences_come_from_the_numbers():
    b = briefing.council_numbers("manchester", year="2010-11")
    at = b.series.set_index("year").loc["2010-11"]
    assert f"proxy take-up was {at['council']:.1f}%" in b.sentences[0]
    assert f"England ({at['england']:.1f}%)" in b.sentences[0]
    assert f"the North West median ({at['region_median']:.1f}%)" in b.sentences[0]
    assert f"ranked {b.rank_text} councils" in b.sentences[1] and b.rank_text.startswith(f"{b.rank}")


def test_time_series_covers_every_year_and_marks_definition_changes():
    b = briefing.council_numbers("E08000003")
    assert list(b.series["year"]) == ["2008-09", "2009-10", "2010-11", "2011-12", "2012-13", "2013-14"]
    assert b.definition_changes == ["2009-10", "2010-11"]


def test_unknown_council_lists_closest_matches():
    with pytest.raises(ParameterError, match="Somerset"):
        briefing.council_numbers("Somersett")


@pytest.mark.slow
def test_batch_and_notebook_give_identical_numbers_and_sentences(tmp_path, monkeypatch):
    monkeypatch.setenv("PBANALYSIS_REPORTS", str(tmp_path / "nb"))
    sample = ["Somerset", "Isles of Scilly"]
    packs.build_all(out_dir=tmp_path / "batch", councils=sample, progress=False, processes=1)
    for council in sample:
        b = briefing.council_numbers(council)
        params = tmp_path / "params"
        params.mkdir(exist_ok=True)
        import pbanalysis.core.paths as paths

        (params / "council_briefing.yaml").write_text(f'one:\n  council: "{council}"\n')
        monkeypatch.setattr(paths, "PARAMS_DIR", params)
        report.run_notebook("council_briefing", "one", progress=False, out=tmp_path / f"{b.slug}.ipynb")
        batch = json.loads((tmp_path / "batch" / b.slug / "numbers.json").read_text())
        notebook = json.loads((tmp_path / "nb" / "briefings" / b.slug / "numbers.json").read_text())
        assert batch == notebook
        assert batch["sentences"] == b.sentences


def test_pack_index_lists_every_council_written(tmp_path):
    idx = packs.build_all(out_dir=tmp_path, councils=["Somerset", "Manchester"], progress=False, processes=1)
    text = idx.read_text()
    assert "somerset/index.html" in text and "manchester/index.html" in text
    page = (tmp_path / "somerset" / "index.html").read_text()
    assert "Proxy take-up" in page and 'src="council_trend.png"' in page
    assert not list(tmp_path.glob("*/*.svg"))  # SVG only on request


def test_svg_on_request_adds_the_vector_charts_and_links_them(tmp_path):
    briefing.build_pack("Somerset", tmp_path, svg=True, docx=False)
    folder = tmp_path / "somerset"
    assert {p.name for p in folder.glob("*.svg")} == {f"{c}.svg" for c in briefing.PACK_CHARTS}
    assert 'href="council_trend.svg"' in (folder / "index.html").read_text()


# --- fixed answers for the hard cases ------------------------------------------------------------


def test_no_same_definition_change_is_claimed_across_a_definition_change():
    b = briefing.council_numbers("Manchester", year="2010-11")
    assert not any("same count definition" in s for s in b.sentences)
    latest = briefing.council_numbers("Manchester")
    change = [s for s in latest.sentences if "same count definition" in s][0]
    assert "in 2010-11 to" in change and "in 2013-14" in change


def test_first_year_gives_no_change_sentence_and_its_own_council_type():
    b = briefing.council_numbers("Northumberland", year="2008-09")
    assert not any("same count definition" in s for s in b.sentences)
    assert b.council_type == "County" and b.comparison["label"].iloc[3] == "County median"


def test_a_suppressed_count_is_worded_as_suppressed_not_missing():
    b = briefing.council_numbers("Isles of Scilly", year="2009-10")
    assert "suppressed, more than 0 and at most 5" in b.sentences[-1]
    assert 3 <= len(b.sentences) <= 5


def test_lincolnshire_is_in_the_east_midlands():
    assert briefing.council_numbers("Lincolnshire").region == "East Midlands"


def test_a_zero_spend_with_recipients_gives_no_spend_sentence():
    b = briefing.council_numbers("Slough", year="2013-14")
    assert not any("£0" in s for s in b.sentences)


# --- sentence rules at the extremes and with missing years -----------------------------------------

LATEST = "2023-24"
#: A value in a year before the 2023-24 framework change and 2023-24 in one sentence: a change across it.
ACROSS_BREAK = __import__("re").compile(
    r"%[^.;]*? in 20(17-18|18-19|19-20|20-21|21-22|22-23)\b[^.]*2023-24|2023-24[^.]*%[^.;]*? in 20(17-18|18-19|19-20|20-21|21-22|22-23)\b"
)


def _pack_sentences(b) -> list[str]:
    return b.now_sentences + b.quality_sentences + b.ascof_sentences + b.sentences + b.article_sentences


def _ranked(year):
    from pbanalysis.analysis import measures
    from pbanalysis.dataset import data

    return measures.councils_in_year(data.load_council_year(), year)


@pytest.mark.parametrize("year", ["2008-09", "2013-14"])
def test_the_highest_and_lowest_councils_are_worded_as_such(year):
    ranked = _ranked(year)
    top = briefing.council_numbers(ranked.iloc[0]["gss_code"], year=year)
    bottom = briefing.council_numbers(ranked.iloc[-1]["gss_code"], year=year)
    assert f"ranked 1st of {len(ranked)} councils" in top.sentences[1] and "in the top quarter" in top.sentences[1]
    last = f"ranked {len(ranked)}{sentences.fmt.ordinal(len(ranked)).removeprefix(str(len(ranked)))} of {len(ranked)}"
    assert last in bottom.sentences[1] and "in the lowest quarter" in bottom.sentences[1]
    # An extreme says how many receipts stand behind it.
    assert "service receipt" in top.sentences[1] and "service receipt" in bottom.sentences[1]
    assert "above England" in top.sentences[0] and "below England" in bottom.sentences[0]


def test_quartiles_split_the_ranks_into_four():
    from pbanalysis.outputs import sentences

    qs = [sentences.quartile(r, 152) for r in range(1, 153)]
    assert qs[0] == 1 and qs[-1] == 4 and [qs.count(q) for q in (1, 2, 3, 4)] == [38, 38, 38, 38]


def _missing_cases():
    from pbanalysis.dataset import data

    cy = data.load_council_year()
    gaps = cy[(cy["area"] == "council") & cy["proxy_takeup_pct"].isna()]
    return sorted(set(zip(gaps["gss_code"], gaps["year"])))


def test_every_council_year_without_a_value_says_so_and_never_uses_a_suppressed_value():
    cases = _missing_cases()
    assert len(cases) >= 5
    for gss, year in cases:
        b = briefing.council_numbers(gss, year=year)
        text = " ".join(b.sentences)
        assert 3 <= len(b.sentences) <= 5, (gss, year, b.sentences)
        assert "nan" not in text.lower() and "ranked" not in text
        assert f"no proxy take-up can be given for {b.name}" in b.sentences[0]
        assert year in [s for s in b.sentences if s.startswith("No proxy take-up is shown")][0]
        at = b.series.set_index("year").loc[year]
        if at["dp_clients_31mar_flag"] == "-":
            assert "suppressed" in text and " had " not in text
        # the latest year's pack of a council with a gap still names the gap
        latest = briefing.council_numbers(gss)
        assert any(s.startswith("No proxy take-up is shown") and year in s for s in latest.sentences)


def test_every_council_gets_three_to_five_generated_sentences(every_council):
    # every_council (tests/conftest.py): briefing.council_numbers of each council, computed once
    assert len(every_council) == 152
    for b in every_council:
        name = b.name
        assert 3 <= len(b.sentences) <= 5, (name, b.sentences)
        assert all(s.endswith(".") and "nan" not in s.lower() for s in b.sentences), b.sentences
        assert any("definition changes in 2009-10" in s for s in b.sentences)
        # Every pack opens with the council today: its first sentence names the latest ASCOF year.
        assert b.now_sentences[0].startswith(f"In {LATEST}, the latest ASCOF year"), (name, b.now_sentences[0])
        for text in _pack_sentences(b):
            assert not ACROSS_BREAK.search(text), (name, text)
            assert len(sentences.precisions(text)) <= 1, (name, text)
            assert "council(s)" not in text and "third quarter" not in text and "second quarter" not in text


def test_a_change_is_only_claimed_within_one_definition():
    for name in ("Manchester", "Essex", "Isles of Scilly"):
        b = briefing.council_numbers(name)
        for s in b.sentences:
            if "same count definition" in s:
                run = sentences.same_definition_run(b.series, b.year)
                assert run[0] in s and run[-1] in s
                assert len(set(b.series.set_index("year").loc[run, "definition_basis"])) == 1


# --- the pack: tables as integers, and the Word document -------------------------------------------


def test_pack_tables_show_counts_and_pounds_as_integers(tmp_path):
    briefing.build_pack("Manchester", out_dir=tmp_path, docx=False)
    page = (tmp_path / "manchester" / "index.html").read_text()
    nums = json.loads((tmp_path / "manchester" / "numbers.json").read_text())
    first = nums["series"][0]
    assert f'<td class="num">{first["dp_clients_31mar"]:,.0f}</td>' in page
    assert f'<td class="num">£{first["dp_spend_per_recipient_gbp"]:,.0f}</td>' in page
    assert ".0</td>" not in page and ".0 †</td>" not in page


def _fmt(v, kind, flag=""):
    """The cell the pack prints: the project's one formatter, and the symbol of a missing value."""
    from pbanalysis.core import format as fmt

    if v is None:
        return {"-": "[c]", "..": "[x]", ".": "[z]"}.get(flag, "[x]")
    return {"count": fmt.count, "gbp": fmt.gbp, "pct": fmt.pct}[kind](v)


@pytest.mark.parametrize("council", ["Isles of Scilly", "Manchester"])
def test_word_document_has_alt_text_the_council_its_sentences_and_its_numbers(council, tmp_path):
    import docx
    from docx.oxml.ns import qn

    b = briefing.build_pack(council, out_dir=tmp_path)
    path = tmp_path / b.slug / f"{b.slug}-personal-budgets.docx"
    doc = docx.Document(str(path))
    pictures = list(doc.element.body.iter(qn("wp:docPr")))
    assert len(pictures) == len(briefing.PACK_CHARTS)
    assert all(p.get("descr", "").strip() for p in pictures)
    paragraphs = [p.text for p in doc.paragraphs]
    assert any(b.name in p for p in paragraphs if doc.paragraphs[paragraphs.index(p)].style.name == "Title")
    for s in b.sentences:
        assert s in paragraphs
    # The order of the pack's page: the council today, what the articles said, the earlier years.
    top = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    latest = b.ascof["years"][-1]["year"]
    earlier = f"{b.series['year'].iloc[0]} to {b.series['year'].iloc[-1]}"
    assert top[:3] == [f"Where {b.name} stands now: {latest}", "What the articles said", f"{earlier}: proxy take-up"]
    assert top[3:] == ["Notes", "About this briefing"]
    for s in b.now_sentences:
        assert paragraphs.index(s) < paragraphs.index("What the articles said")
    for s in b.sentences:
        assert paragraphs.index(s) > paragraphs.index(f"{earlier}: proxy take-up")
    nums = json.loads((tmp_path / b.slug / "numbers.json").read_text())
    # The ASCOF years first; each header is the column dictionary's, as on the page.
    assert doc.tables[0].rows[0].cells[2].text == columns.header("ascof_sds_pct") == "ASCOF self-directed support (%)"
    table = doc.tables[1]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[0].cells[3].text == f"Proxy take-up, {b.name} (%)"
    body = [[c.text.removesuffix(" " + briefing.FLAG_MARK) for c in row.cells] for row in table.rows[1:]]
    assert len(body) == len(nums["series"])
    for cells, r in zip(body, nums["series"]):
        assert cells[0] == r["year"]
        assert cells[2] == _fmt(r["dp_clients_31mar"], "count", r["dp_clients_31mar_flag"])
        assert cells[3] == _fmt(r["council"], "pct", r["council_flag"])  # [c] where a part is suppressed
        assert cells[4:7] == [_fmt(r[k], "pct") for k in ("region_median", "type_median", "england")]
        assert cells[7] == _fmt(r["dp_spend_per_recipient_gbp"], "gbp")


def test_the_manchester_pack_holds_its_2020_21_ascof_values_beside_the_earlier_years(tmp_path):
    from pbanalysis.analysis import what_next

    b = briefing.build_pack("Manchester", tmp_path, docx=False)
    numbers = json.loads((tmp_path / b.slug / "numbers.json").read_text())
    later = numbers["later"]
    v = what_next.council_value("Manchester")
    assert later["year"] == "2020-21" and later["council"]["sds_pct"] == v["sds_pct"] is not None
    assert later["council"]["dp_pct"] == v["dp_pct"] and later["england"]["sds_pct"] == what_next.england()["sds_pct"]
    assert f"{v['sds_pct']:.1f}%" in later["sentence"] and "not NI 130" in later["note"]
    assert len(numbers["series"]) == 6, "the earlier years stay as they were"
    trend = json.loads((tmp_path / b.slug / "council_trend.json").read_text())
    drawn = dict(zip(trend["later"]["years"], trend["later"]["council"]))
    assert drawn["2020-21"] == v["sds_pct"], "the trend chart draws self-directed support, as the sentences speak of it"
    assert "self-directed support" in trend["later"]["measure"]
    page = (tmp_path / b.slug / "index.html").read_text()
    assert "2020-21 in the official file" in page and later["sentence"].split(",")[0] in page


# --- what the articles said, and the council's ASCOF years -------------------------------------


def _claims():
    from pbanalysis.analysis import claims, register
    from pbanalysis.dataset import data

    return claims.check(register.load_register(), data.load_council_year(), data.load_national_series())


def _docx_text(path) -> str:
    import docx

    d = docx.Document(str(path))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


@pytest.fixture(scope="module")
def named_packs(tmp_path_factory):
    out = tmp_path_factory.mktemp("named")
    return out, {c: briefing.build_pack(c, out) for c in ("Somerset", "Manchester", "Barnsley", "Northamptonshire")}


@pytest.mark.parametrize("council", ["Somerset", "Manchester"])
def test_a_named_councils_pack_states_the_articles_figure_beside_the_proxys_place(named_packs, council):
    from pbanalysis.analysis import register
    from pbanalysis.core import format as fmt

    out, packs = named_packs
    b = packs[council]
    reg = register.load_register()
    fig = reg[(reg["council"] == council) & (reg["unit"] == "percent")].iloc[0]
    check = _claims().set_index("figure_id").loc[fig["figure_id"]]
    reported = fmt.pct(float(fig["value"]))  # 3.3% and 58.7%, as the register holds them
    place = f"ranked {fmt.ordinal(int(check['rank']))} of {int(check['of'])} councils"
    line = next(s for s in b.article_sentences if reported in s)
    assert place in line and fmt.pct(check["rebuilt"]) in line and "NI 130" in line and "2009-10" in line
    assert ("also puts it" in line) == (check["proxy_agrees"] == "yes"), "the check's view, not a typed one"
    page = html.unescape((out / b.slug / "index.html").read_text())
    word = _docx_text(out / b.slug / f"{b.slug}-personal-budgets.docx")
    numbers = json.loads((out / b.slug / "numbers.json").read_text())
    for where, text in (("page", page), ("Word document", word)):
        assert line in text, f"{council}: the article's figure and the proxy's place are missing from the {where}"
    rec = next(r for r in numbers["articles"]["named"] if r["figure_id"] == fig["figure_id"])
    assert rec["reported_value"] == float(fig["value"]) and rec["rank"] == int(check["rank"])
    assert rec["of"] == int(check["of"]) and line in numbers["articles"]["sentences"]


def test_a_council_the_articles_did_not_name_gets_one_line(named_packs):
    out, packs = named_packs
    b = packs["Barnsley"]
    assert b.articles == [] and b.article_sentences == ["The articles did not name Barnsley."]
    page = html.unescape((out / b.slug / "index.html").read_text())
    assert page.count("The articles did not name Barnsley.") == 1
    assert "The articles did not name Barnsley." in _docx_text(out / b.slug / f"{b.slug}-personal-budgets.docx")


def test_the_pack_gives_every_ascof_year_with_its_rank(named_packs):
    from pbanalysis.analysis import what_next
    from pbanalysis.core import format as fmt

    out, packs = named_packs
    b = packs["Somerset"]
    ranks = what_next.council_ranks(what_next.SDS)
    numbers = json.loads((out / b.slug / "numbers.json").read_text())
    years = numbers["ascof_series"]["years"]
    assert [y["year"] for y in years] == list(what_next.TREND_YEARS)
    word = _docx_text(out / b.slug / f"{b.slug}-personal-budgets.docx")
    page = html.unescape((out / b.slug / "index.html").read_text())
    for y in years:
        r = ranks[(ranks["year"] == y["year"]) & (ranks["area_name"] == "Somerset")].iloc[0]
        assert y["sds_pct"] == float(r["value"]) and y["sds_rank"] == int(r["rank"]) and y["sds_of"] == int(r["of"])
        cell = f"{'=' if r['tied'] else ''}{fmt.count(r['rank'])} of {fmt.count(r['of'])}"
        assert cell in page and cell in word
    assert years[-1]["definition_break"] and "(new framework)" in page
    # Somerset's flagged jumps, in one sentence worded as possible recording changes, never as take-up changes.
    jumps = numbers["ascof_series"]["jumps"]
    assert jumps and all(j["flagged"] for j in jumps)
    flagged = [s for s in b.ascof_sentences if "possible change in recording" in s]
    assert len(flagged) == 1 and "not read as a change in take-up" in flagged[0]
    assert all(f"{fmt.pct(j['to_value'])} in {j['to_year']}" in flagged[0] for j in jumps if not j["across_break"])
    assert all(s in page and s in word for s in flagged)


def test_a_council_whose_boundary_changed_shows_its_successors_and_never_their_numbers(named_packs):
    from pbanalysis.analysis import what_next

    out, packs = named_packs
    b = packs["Northamptonshire"]
    numbers = json.loads((out / b.slug / "numbers.json").read_text())
    gone = [y for y in numbers["ascof_series"]["years"] if y["status"] == "boundary_changed"]
    assert [y["year"] for y in gone] == ["2021-22", "2022-23", "2023-24"]
    ranks = what_next.council_ranks(what_next.DP)
    for y in gone:
        assert y["sds_pct"] is None and y["dp_pct"] is None and y["sds_rank"] is None
        assert sorted(y["successors"]) == ["North Northamptonshire", "West Northamptonshire"]
    page = html.unescape((out / b.slug / "index.html").read_text())
    word = _docx_text(out / b.slug / f"{b.slug}-personal-budgets.docx")
    for text in (page, word):
        assert "boundary changed: area part of North Northamptonshire and West Northamptonshire" in text
        assert "[z]" in text
    # Not a successor's value anywhere: neither in the chart's numbers nor in the table.
    drawn = json.loads((out / b.slug / "council_trend.json").read_text())["later"]
    council = dict(zip(drawn["years"], drawn["council"]))
    assert all(council[y["year"]] is None for y in gone)
    later_rows = [row for row in briefing.ascof_rows(b)[1] if row[0] >= "2021-22"]
    assert later_rows and all(cell == "[z]" for row in later_rows for cell in row[2:])
    successors = ranks[ranks["area_name"].isin(gone[0]["successors"])]
    assert len(successors), "the successors publish values of their own, which the pack must not show"
    assert "boundary had changed" in drawn["note"] and drawn["gone_from"] == "2021-22"


def test_the_dorset_pack_says_boundary_changed_from_2019_20():
    b = briefing.council_numbers("Dorset")
    gone = [y for y in b.ascof["years"] if y["status"] == "boundary_changed"]
    assert gone[0]["year"] == "2019-20"
    assert any("boundary had changed" in s and "Bournemouth, Christchurch and Poole" in s for s in b.ascof_sentences)


def test_a_council_whose_boundary_changed_gets_no_2020_21_value_and_says_why():
    b = briefing.council_numbers("Dorset")
    assert b.later["council"]["comparable"] is False and b.later["council"]["sds_pct"] is None
    assert "boundary changed" in b.later["sentence"].lower()


def test_pack_charts_credit_their_sources_and_the_page_gives_the_full_line(tmp_path):
    b = briefing.build_pack("Manchester", tmp_path, docx=False)
    fig, _, _ = briefing.trend_chart(b)
    foot = fig.texts[-1].get_text().replace("\n", " ")
    style.plt.close(fig)
    pkg = datapackage.load_package()
    credits = {s["credit"] for r in pkg["resources"] for s in r["sources"] if s.get("credit")}
    assert foot.startswith("Source: ") and "Licence" not in foot
    assert sum(c in foot for c in credits) == 2  # PSS-EX1 and ASCOF, as recorded in origins.yaml
    page = (tmp_path / b.slug / "index.html").read_text()
    assert html.escape(datapackage.source_line(datapackage.PSSEX1)) in page and "Licence" in page


def test_the_batch_in_a_pool_of_two_workers_writes_what_one_process_writes(tmp_path):
    sample = ["Somerset", "Manchester", "Hackney", "Isles of Scilly", "Rutland", "Kent", "Leeds", "Dorset", "Bury"]
    for n, out in ((1, "one"), (2, "two")):
        packs.build_all(out_dir=tmp_path / out, councils=sample, progress=False, processes=n, docx=False)
    one, two = tmp_path / "one", tmp_path / "two"
    assert (one / "index.html").read_text() == (two / "index.html").read_text()
    for f in sorted(one.glob("*/*")):
        assert f.read_bytes() == (two / f.relative_to(one)).read_bytes(), f


@pytest.mark.parametrize("value", ["0", "two"])
def test_a_bad_number_of_processes_is_refused_naming_the_option(value, capsys):
    from pbanalysis import cli

    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args(["briefings", "--processes", value])
    assert exit_.value.code == 2
    assert f"--processes: expected a whole number of at least 1, got '{value}'" in capsys.readouterr().err


# --- where the council stands now, the wording rules, ranks and data quality in packs ------------------


def test_wording_rules_about_the_same_plurals_quarters_targets_and_one_precision():
    assert sentences.movement(13.3, 13.2) == "stayed about the same"
    assert sentences.movement(13.3, 13.74) == "stayed about the same" and sentences.movement(13.3, 13.8) == "rose"
    assert sentences.movement(20.0, 19.4) == "fell"
    assert sentences.plural(1, "council") == "1 council" and sentences.plural(2, "council") == "2 councils"
    assert sentences.plural(1_200, "person", "people") == "1,200 people"
    assert [sentences.QUARTERS[sentences.quartile(r, 152)] for r in (1, 40, 111, 152)] == [
        "in the top quarter",
        "in the middle half",
        "in the middle half",
        "in the lowest quarter",
    ]
    assert sentences.share(100.0) == "100%" and sentences.share(97.9) == "97.9%"
    assert sentences.precisions("rose from 12.8% to 17.8% (5.0 points; England 18.2% to 23.2%)") == {1}
    assert sentences.precisions("fell from 13% to 12.8%") == {0, 1}  # two precisions: the rule fails it
    assert sentences.precisions("at 100%, with most councils; 20 points or more; 12.5%") == {1}


def test_a_change_within_half_a_point_is_about_the_same_not_a_fall():
    b = briefing.council_numbers("Stoke-on-Trent")
    change = next(s for s in b.sentences if "same count definition" in s)
    assert "stayed about the same" in change and "fell" not in change
    fig, _, _ = briefing.trend_chart(b)
    title = fig.texts[0].get_text().replace("\n", " ")
    style.plt.close(fig)
    assert "fell" not in title and "about the same" in title


def test_the_stoke_pack_says_its_self_directed_support_is_its_direct_payments_and_collapses_its_jumps(tmp_path):
    from pbanalysis.analysis import what_next

    b = briefing.build_pack("Stoke-on-Trent", tmp_path)
    assert b.name == "Stoke on Trent"
    page = html.unescape((tmp_path / b.slug / "index.html").read_text())
    word = _docx_text(tmp_path / b.slug / f"{b.slug}-personal-budgets.docx")
    for text in (page, word):
        assert "Stoke-on-Trent" not in text, "one spelling of the council's name per pack"
        assert "self-directed support equals its direct payments in every year it published" in text
        assert "reported only its direct payments as self-directed support" in text
    dp = what_next.council_ranks(what_next.DP)
    r = dp[(dp["year"] == "2020-21") & (dp["gss_code"] == b.gss_code)].iloc[0]
    assert f"but {sentences.fmt.ordinal(int(r['rank']))} of {int(r['of'])} on direct payments" in page
    assert 25 <= int(r["rank"]) <= 40  # about 33rd on direct payments
    moves = [s for s in _pack_sentences(b) if "possible change in recording" in s]
    assert len(moves) == 1 and "self-directed support and direct payments shares" in moves[0]
    # The latest year's rank rests on a flagged value: the sentence says so.
    assert "flag its self-directed support value" in b.now_sentences[0]
    # A flagged value in the table keeps its number, with the marker and the rule's note.
    cells = briefing.ascof_rows(b)[1]
    assert cells[-1][2] == f"2.9% {briefing.FLAG_MARK}"
    notes = briefing.ascof_notes(b, cells)
    assert any(
        n.startswith(f"{briefing.FLAG_MARK} Flagged: Self-directed support equal to direct payments") for n in notes
    )


def test_pack_pages_open_with_the_latest_ascof_year(named_packs):
    import re

    out, packs = named_packs
    for b in packs.values():
        page = html.unescape((out / b.slug / "index.html").read_text())
        first = re.search(r"<li>(.*?)</li>", page, flags=re.S).group(1)
        assert first == b.now_sentences[0] and f"In {LATEST}, the latest ASCOF year" in first
        assert page.index("What the articles said") > page.index(first) and page.index(
            "2008-09 to 2013-14:"
        ) > page.index("What the articles said")
        import docx

        d = docx.Document(str(out / b.slug / f"{b.slug}-personal-budgets.docx"))
        bullets = [p.text for p in d.paragraphs if p.style.name == "List Bullet"]
        assert bullets[0] == b.now_sentences[0]
    somerset = packs["Somerset"]
    assert not any("58.7%" in s and "97.9%" in s for s in _pack_sentences(somerset)), "no change across the break"


def test_an_extreme_says_how_many_people_stand_behind_it():
    b = briefing.council_numbers("Isles of Scilly")
    at = b.series.set_index("year").loc[b.year]
    line = b.sentences[1]
    assert f"{int(at['dp_clients_31mar'])} of {int(at['community_receipts_31mar'])} service receipts" in line
    assert any("rest on few people" in s for s in b.now_sentences)
    somerset = briefing.council_numbers("Somerset").article_sentences[0]
    assert "Windsor and Maidenhead is lowest there, at " in somerset and "service receipts" in somerset


def test_pack_ranks_follow_the_one_rank_rule():
    from pbanalysis.analysis import measures
    from pbanalysis.dataset import data

    cy = data.load_council_year()
    for year in ("2008-09", "2013-14"):
        r = measures.councils_in_year(cy, year)
        tied = r[r["tied"] > 0]
        if tied.empty:
            continue
        row = tied.iloc[-1]
        b = briefing.council_numbers(row["gss_code"], year=year)
        assert (
            b.rank == int(row["rank"]) and f"ranked joint {sentences.fmt.ordinal(int(row['rank']))}" in b.sentences[1]
        )
        return
    pytest.skip("no tied council in these years")
