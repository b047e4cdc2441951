"""Council briefings: numbers, sentences, and the batch against the notebook."""

from __future__ import annotations

import json

import pytest

from pbanalysis import briefing, report
from pbanalysis.errors import ParameterError


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
    assert f"{at['dp_clients_31mar']:,.0f} people" in b.sentences[0]
    assert f"ranking {b.rank} of {b.of}" in b.sentences[1]


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
    briefing.build_all(out_dir=tmp_path / "batch", councils=sample, progress=False, processes=1)
    for council in sample:
        b = briefing.council_numbers(council)
        params = tmp_path / "params"
        params.mkdir(exist_ok=True)
        import pbanalysis.paths as paths

        (params / "council_briefing.yaml").write_text(f'one:\n  council: "{council}"\n')
        monkeypatch.setattr(paths, "PARAMS_DIR", params)
        report.run_notebook("council_briefing", "one", progress=False, out=tmp_path / f"{b.slug}.ipynb")
        batch = json.loads((tmp_path / "batch" / b.slug / "numbers.json").read_text())
        notebook = json.loads((tmp_path / "nb" / "briefings" / b.slug / "numbers.json").read_text())
        assert batch == notebook
        assert batch["sentences"] == b.sentences


def test_pack_index_lists_every_council_written(tmp_path):
    idx = briefing.build_all(out_dir=tmp_path, councils=["Somerset", "Manchester"], progress=False, processes=1)
    text = idx.read_text()
    assert "somerset/index.html" in text and "manchester/index.html" in text
    page = (tmp_path / "somerset" / "index.html").read_text()
    assert "Proxy take-up" in page and "council_trend.svg" in page


# --- fixed answers for the hard cases ------------------------------------------------------------


def test_no_same_definition_change_is_claimed_across_a_definition_change():
    b = briefing.council_numbers("Manchester", year="2010-11")
    assert not any("same count definition" in s for s in b.sentences)
    latest = briefing.council_numbers("Manchester")
    change = [s for s in latest.sentences if "same count definition" in s][0]
    assert "between 2010-11 and 2013-14" in change


def test_first_year_gives_no_change_sentence_and_its_own_council_type():
    b = briefing.council_numbers("Northumberland", year="2008-09")
    assert not any("between" in s for s in b.sentences)
    assert b.council_type == "County" and "county councils" in b.sentences[2]


def test_a_suppressed_count_is_worded_as_suppressed_not_missing():
    b = briefing.council_numbers("Isles of Scilly", year="2009-10")
    assert "more than 0 and at most 5" in b.sentences[0]
    assert 3 <= len(b.sentences) <= 5


def test_lincolnshire_is_in_the_east_midlands():
    assert briefing.council_numbers("Lincolnshire").region == "East Midlands"


def test_a_zero_spend_with_recipients_gives_no_spend_sentence():
    b = briefing.council_numbers("Slough", year="2013-14")
    assert not any("£0" in s for s in b.sentences)
