"""Promises the claims check makes: verdicts only where the definitions allow, each with its evidence."""

from __future__ import annotations

import copy
import csv
import re
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from pbanalysis.analysis import checks, claims, measures, register
from pbanalysis.core import columns, paths
from pbanalysis.core.errors import InputError
from pbanalysis.dataset import data


@pytest.fixture(scope="module")
def reg():
    return register.load_register()


@pytest.fixture(scope="module")
def cy():
    return data.load_council_year()


@pytest.fixture(scope="module")
def nat():
    return data.load_national_series()


@pytest.fixture(scope="module")
def doc(reg):
    return checks.load_checks(figure_ids=reg["figure_id"])


@pytest.fixture(scope="module")
def table(reg, cy, nat):
    return claims.check(reg, cy, nat)


def row(table, fid):
    return table.set_index("figure_id").loc[fid]


def with_value(reg, fid, value):
    out = reg.copy()
    out.loc[out["figure_id"] == fid, "value"] = float(value)
    return out


# --------------------------------------------------------------------------- knowledge lives in data


def test_no_register_figure_id_appears_in_the_library_source(reg):
    ids = set(reg["figure_id"])
    found = []
    for py in sorted((paths.ROOT / "src" / "pbanalysis").rglob("*.py")):
        words = set(re.findall(r"[a-z][a-z0-9_]*", py.read_text(encoding="utf-8")))
        found += [f"{py.name}: {fid}" for fid in sorted(ids & words)]
    assert not found, "figure ids belong in data/reference (claim_checks.yaml), not in Python: " + ", ".join(found)


def test_every_register_figure_has_exactly_one_check(reg, doc):
    assert set(doc["checks"]) == set(reg["figure_id"])


def test_every_section_names_an_anchor_that_its_notebook_has(doc):
    for fid, entry in doc["checks"].items():
        notebook, anchor = entry["section"].split("#")
        text = (paths.NOTEBOOKS_DIR / f"{notebook}.ipynb").read_text(encoding="utf-8")
        assert f'<a id=\\"{anchor}\\"></a>' in text, f"{fid}: {entry['section']}"


def _copy_raw(tmp_path, monkeypatch):
    for p in (paths.REGISTER_CSV, paths.REGISTER_SOURCES_CSV, paths.CLAIM_CHECKS_YAML):
        shutil.copyfile(p, tmp_path / p.name)
    monkeypatch.setattr(paths, "REGISTER_CSV", tmp_path / paths.REGISTER_CSV.name)
    monkeypatch.setattr(paths, "REGISTER_SOURCES_CSV", tmp_path / paths.REGISTER_SOURCES_CSV.name)
    monkeypatch.setattr(paths, "CLAIM_CHECKS_YAML", tmp_path / paths.CLAIM_CHECKS_YAML.name)
    return tmp_path


def test_a_new_figure_is_one_register_row_and_one_check_entry(tmp_path, monkeypatch, cy, nat):
    raw = _copy_raw(tmp_path, monkeypatch)
    with open(raw / paths.REGISTER_CSV.name, "a", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerow(
            [
                "dp_recipients_mar2011_test",
                "S1",
                "A made-up count of direct-payment recipients in March 2011, for this test.",
                "114000",
                "people",
                "2011-03",
                "Test",
                "input",
                "",
                "about",
                "",
                "",
            ]
        )
    doc = yaml.safe_load((raw / paths.CLAIM_CHECKS_YAML.name).read_text(encoding="utf-8"))
    doc["checks"]["dp_recipients_mar2011_test"] = {
        "method": "reconcile",
        "section": "take_up#holders-official",
        "relation": "at_least",
        "official": [{"measure": "england_dp_clients_31mar", "years": ["2010-11"], "label": "DP recipients"}],
        "basis": "A test figure.",
        "not_established": "Anything: it is made up.",
    }
    (raw / paths.CLAIM_CHECKS_YAML.name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    table = claims.check(register.load_register(), cy, nat)
    new = row(table, "dp_recipients_mar2011_test")
    assert new["status"] == "consistent"  # 114,090 official <= about 114,000 (up to 119,700)
    assert new["rebuilt"] == 114090 and new["difference"] == 90
    assert "Not established: anything: it is made up." in new["reason"]


def _break(tmp_path, monkeypatch, edit):
    raw = _copy_raw(tmp_path, monkeypatch)
    target = raw / paths.CLAIM_CHECKS_YAML.name
    doc = yaml.safe_load(target.read_text(encoding="utf-8"))
    edit(doc)
    target.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    "edit,where,expected",
    [
        (
            lambda d: d["checks"]["pb_holders_mar2010"].update(method="guess"),
            "checks.pb_holders_mar2010.method",
            "a method",
        ),
        (
            lambda d: d["checks"].update(no_such_figure={"method": "input", "section": "take_up#timeline"}),
            "checks.no_such_figure",
            "a figure_id in the register",
        ),
        (
            lambda d: d["checks"]["pb_holders_mar2010"].pop("official"),
            "checks.pb_holders_mar2010.official",
            "a field 'official'",
        ),
        (
            lambda d: d["checks"]["pb_holders_mar2010"].update(colour="red"),
            "checks.pb_holders_mar2010.colour",
            "only fields",
        ),
        (
            lambda d: d["checks"]["pb_holders_mar2010"].update(basis="Off by {fudge}."),
            "checks.pb_holders_mar2010.basis",
            "placeholders among",
        ),
        (
            lambda d: d["checks"]["pb_holders_mar2010"].update(relation="roughly"),
            "checks.pb_holders_mar2010.relation",
            "one of",
        ),
        (
            lambda d: d["checks"].pop("pb_holders_mar2010"),
            "checks.pb_holders_mar2010",
            "an entry for every register figure_id",
        ),
        (lambda d: d["templates"]["bracket"].pop("inconsistent"), "templates.bracket.inconsistent", "a sentence"),
        (lambda d: d["uses"]["timeline"][0].update(figure="nobody"), "uses.timeline.0.figure", "a figure_id"),
    ],
)
def test_a_bad_checks_file_names_file_entry_and_field(tmp_path, monkeypatch, reg, edit, where, expected):
    target = _break(tmp_path, monkeypatch, edit)
    with pytest.raises(InputError) as err:
        checks.load_checks(target, figure_ids=reg["figure_id"])
    message = str(err.value)
    assert str(target) in message and f"key {where!r}" in message and expected in message
    assert "column" not in message, "a YAML key is not a column"


def test_a_missing_checks_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        checks.load_checks(tmp_path / "claim_checks.yaml")


# --------------------------------------------------------------------------- verdicts and their evidence


def test_at_least_twelve_figures_carry_a_verdict_each_with_its_evidence(table):
    v = claims.verdicts(table)
    assert len(v) >= 12
    for _, r in v.iterrows():
        assert r["official_values"], r["figure_id"]
        assert not (pd.isna(r["bracket_low"]) and pd.isna(r["bracket_high"])), r["figure_id"]
        assert r["bracket_basis"] and r["verdict_basis"] and r["not_established"], r["figure_id"]
        assert "Not established:" in r["reason"], r["figure_id"]


def test_summary_counts_every_status_once(table):
    s = claims.summary(table)
    assert list(s["status"]) == list(claims.STATUSES)
    assert s["figures"].sum() == len(table)


def test_derived_rows_are_judged_by_their_wording_not_tuned(table):
    assert row(table, "ongoing_pb_one_in_n_mar2010")["status"] == "match"
    assert row(table, "ni130_share_expected_apr2011_pct")["status"] == "differs"  # 376k / 1.5m is 25%, not 22%


def test_a_match_on_the_edge_of_its_interval_says_so(table):
    r = row(table, "adass_expected_pb_people_2012")
    assert r["status"] == "match" and "edge of that interval" in r["reason"]


def test_holders_on_ongoing_care_reconcile_with_the_official_count_at_31_march_2010(table):
    r = row(table, "pb_holders_ongoing_mar2010")
    assert r["status"] == "consistent"
    assert r["rebuilt"] == 130900 and r["difference"] == -9100
    assert "9,100 (6.5%) below" in r["reason"]


def test_an_official_count_above_the_claim_makes_it_inconsistent(reg, cy, nat):
    t = claims.check(with_value(reg, "pb_holders_ongoing_mar2010", 100_000), cy, nat)
    r = row(t, "pb_holders_ongoing_mar2010")
    assert r["status"] == "inconsistent" and r["reason"].startswith("Inconsistent")


def test_reconciliations_without_a_relation_give_no_verdict(table):
    for fid in ("ongoing_care_users_mar2010", "jerome_regular_service_users_2011"):
        r = row(table, fid)
        assert r["status"] == "proxy" and r["reason"].startswith("No verdict")


def test_the_direct_payment_part_of_the_spend_is_bracketed_by_official_spend(table):
    r = row(table, "pb_spend_direct_payment_share_pct")
    # 2009-10 is missing: the claim fits the bracket's high end (992.8) but not its low end (624.4),
    # so it holds only on a condition, stated with the neighbours' straight line.
    assert r["status"] == "conditional" and r["basis"] == "possibility"
    assert r["reason"].startswith("Conditional")
    assert "at least £670.5m" in r["reason"] and "at least £628.4m" in r["reason"]
    line = (624.392 + 992.849) / 2
    assert r["straight_line"] == pytest.approx(line, abs=1e-3)
    assert f"about £{line:,.1f}m for 2009-10" in r["reason"]
    assert r["implied_low"] == pytest.approx(0.95 * 900 * 0.735, abs=0.01)
    assert r["implied_high"] == pytest.approx(900 * 0.745, abs=0.01)
    assert (r["bracket_low"], r["bracket_high"]) == (624.392, 992.849)


def test_a_value_has_one_printed_form_in_the_reason_and_the_tables(table):
    """992.849 is 992.8 in the reason and in every table: the table keeps the value unrounded and
    the one formatter rounds it once (rounding it to 992.85 first would print 992.9)."""
    from pbanalysis.core import format as fmt
    from pbanalysis.outputs import notebook_tables

    r = row(table, "pb_spend_direct_payment_share_pct")
    assert fmt.number(r["bracket_high"]) == "992.8"
    assert "992.8" in r["reason"] and "992.9" not in r["reason"] and "992.85" not in r["reason"]
    printed = notebook_tables.verdicts(table[table["figure_id"] == "pb_spend_direct_payment_share_pct"]).frame()
    assert printed[columns.header("bracket_high")].iloc[0] == "992.8"
    assert "2008-09" in r["official_values"] and "2010-11" in r["official_values"]


def test_a_spend_the_official_bracket_rules_out_is_inconsistent(reg, cy, nat):
    t = claims.check(with_value(reg, "pb_spend_mar2010", 2000), cy, nat)
    assert row(t, "pb_spend_direct_payment_share_pct")["status"] == "inconsistent"


def test_a_missing_year_is_not_bracketed_unless_the_series_rises(reg, cy, nat):
    falling = nat.copy()
    falling.loc[falling["year"] == "2011-12", "england_dp_gross_cost_gbp000"] = 1.0
    r = row(claims.check(reg, cy, falling), "pb_spend_direct_payment_share_pct")
    assert r["status"] == "proxy" and "does not rise every year" in r["reason"]


def test_survey_councils_are_at_most_the_councils_with_social_services(table):
    r = row(table, "survey_councils_2010")
    assert r["status"] == "consistent" and r["bracket_high"] == 152


# --------------------------------------------------------------------------- the proxy is never a verdict


def test_named_councils_are_ranked_on_the_proxy_and_disagreement_said_plainly(table):
    somerset, manchester = row(table, "takeup_somerset_2009_10"), row(table, "takeup_manchester_2009_10")
    assert (somerset["rank"], somerset["of"], somerset["proxy_agrees"]) == (91, 147, "no")
    assert somerset["status"] == "proxy" and "The proxy disagrees" in somerset["reason"]
    assert "does not show the NI 130 figure was wrong" in somerset["reason"]
    assert (manchester["rank"], manchester["proxy_agrees"], manchester["status"]) == (1, "yes", "proxy")
    assert "does not confirm" in manchester["reason"]


def test_threshold_claims_compare_shares_computed_from_the_councils(table):
    r = row(table, "jerome_councils_at_30pct_2011")
    assert r["rebuilt"] == 12 and (r["implied_low"], r["implied_high"]) == (83, 105)
    assert r["proxy_agrees"] == "no" and r["status"] == "proxy"
    under = row(table, "councils_takeup_under_10pct_share_2009_10")
    assert under["rebuilt"] == pytest.approx(100 * 13 / 147, abs=0.01)


def test_agreement_sentences_follow_the_data_not_a_script(reg, cy, nat):
    moved = cy.copy()
    mask = (moved["council_name"] == "Somerset") & (moved["year"] == "2009-10")
    moved.loc[mask, "proxy_takeup_pct"] = 0.5  # now the lowest on the proxy
    t = claims.check(reg, moved, nat)
    assert row(t, "takeup_somerset_2009_10")["proxy_agrees"] == "yes"
    sentences = claims.proxy_agreement(t, "variance#proxy-vs-ni130")
    assert "2 of 2 named councils" in sentences[-1]
    assert "2 of 2 named councils" not in claims.proxy_agreement_overall(
        claims.check(reg, cy, nat), "variance#proxy-vs-ni130"
    )


def test_proxy_rows_name_the_parts_of_their_bias_and_no_net_direction_without_a_comparison(table, doc):
    r = row(table, "jerome_national_takeup_over_30pct_2011")
    assert r["status"] == "proxy" and r["rebuilt"] == 18.2
    assert "council-managed personal budgets" in r["reason"] and "pushes the proxy down" in r["reason"]
    assert "pushes the proxy up" in r["reason"]  # the parts pull both ways
    assert "No net direction is computed for 2010-11" in r["reason"]
    for fid in ("jerome_councils_at_30pct_2011", "takeup_eligible_nov2010_pct"):
        assert "biased down" not in row(table, fid)["reason"] and "no known direction" not in row(table, fid)["reason"]


def test_the_2009_10_comparisons_are_computed_from_the_register_and_the_proxy(table, reg, cy, nat):
    eligible = row(table, "takeup_eligible_nov2010_pct")
    england = float(nat.set_index("year").loc["2009-10", "england_proxy_takeup_pct"])
    manchester = float(cy[(cy["council_name"] == "Manchester") & (cy["year"] == "2009-10")]["proxy_takeup_pct"].iloc[0])
    somerset = float(cy[(cy["council_name"] == "Somerset") & (cy["year"] == "2009-10")]["proxy_takeup_pct"].iloc[0])
    assert (round(england, 1), round(manchester, 1), round(somerset, 1)) == (19.2, 66.1, 14.5)
    assert (
        "in 2009-10 the proxy stood above NI 130 (England 19.2% against 13%; Manchester 66.1% against 58.7%; "
        "Somerset 14.5% against 3.3%)" in eligible["reason"]
    )
    # The comparison follows the data: with Manchester's proxy below its NI 130 figure, no net direction.
    moved = cy.copy()
    moved.loc[(moved["council_name"] == "Manchester") & (moved["year"] == "2009-10"), "proxy_takeup_pct"] = 50.0
    t = claims.check(reg, moved, nat)
    text = row(t, "takeup_eligible_nov2010_pct")["reason"]
    assert "go both ways (2 above, 1 below" in text and "outweighed" not in text


def _all_bias_texts(table, doc):
    texts = {f"claims.csv {r['figure_id']}": r["reason"] for _, r in table.iterrows()}
    texts["proxy definition"] = data.PROXY_DEFINITION
    texts["proxy note"] = claims.proxy_note()
    for fid, entry in doc["checks"].items():
        for key in ("basis", "not_established"):
            if key in entry:
                texts[f"claim_checks.yaml {fid}.{key}"] = entry[key]
    return texts


def test_no_text_states_a_bias_direction_it_has_not_computed(table, doc):
    import biascheck

    assert biascheck.problems(_all_bias_texts(table, doc), doc["bias"]) == []


def test_the_bias_check_can_fail(doc):
    import biascheck

    bias = doc["bias"]
    bad = {
        "typed": "The proxy is biased down: it leaves out council-managed budgets.",
        "sign": "in 2009-10 the proxy stood below NI 130 (England 19.2% against 13%)",
        "bare": "in 2010-11 the proxy stood below NI 130 (no figures)",
        "outweigh": "On these figures the parts that push it up outweighed the rest.",
        "wrongpart": bias["parts"]["counted_twice"]["text"] + " (pushes the proxy up).",
    }
    found = biascheck.problems(bad, bias)
    for name in bad:
        assert any(f.startswith(name + ":") for f in found), (name, found)
    opposite = {
        "a": "in 2009-10 the proxy stood above NI 130 (England 19.2% against 13%)",
        "b": "in 2009-10 the proxy stood below NI 130 (Somerset 3% against 14.5%)",
    }
    assert any("opposite net directions" in f for f in biascheck.problems(opposite, bias))


def test_headline_sentences_cover_take_up_spending_and_variance(table):
    areas = {h["area"]: h for h in claims.headlines(table)}
    assert set(areas) == {"take_up", "spending", "variance"}
    assert areas["spending"]["sentence"].count("Conditional") == 1
    assert "1 a possibility check against an official bound, conditional" in areas["spending"]["sentence"]
    assert "proxy agrees with 1 of 7" in areas["variance"]["sentence"]


def test_the_checks_interpreter_does_not_depend_on_this_register(reg, cy, nat, doc):
    """A copy of the checks file with one template reworded changes the reason, not the status."""
    d = copy.deepcopy(doc)
    d["templates"]["reconcile"]["consistent"] = "Fits: {official_value} against {reported_text}."
    r = row(claims.check(reg, cy, nat, doc=d), "pb_holders_mar2010")
    assert r["status"] == "consistent" and r["reason"].startswith("Fits: 130,900 against 170,000.")


def test_claims_have_no_missing_status_and_no_nan_text(table):
    assert table["status"].notna().all()
    for col in ("reason", "finding", "section"):
        assert (table[col].str.len() > 0).all(), col
    assert not table["reason"].str.contains("nan").any()
    assert np.isfinite(claims.verdicts(table)["reported"]).all()


def test_measures_take_their_roles_from_the_checks_file(reg, doc):
    d = copy.deepcopy(doc)
    d["uses"]["timeline"] = d["uses"]["timeline"][:1]
    t = measures.takeup_timeline(reg, "ongoing", "2013-03-31", doc=d)
    assert (t["kind"] == "reported").sum() == 1


def test_a_council_check_on_a_year_without_values_names_the_entry(reg, cy, nat, doc):
    d = copy.deepcopy(doc)
    d["checks"]["takeup_somerset_2009_10"]["year"] = "1999-00"
    with pytest.raises(InputError, match=r"checks.takeup_somerset_2009_10.year.*1999-00"):
        claims.check(reg, cy, nat, doc=d)


# --------------------------------------------------------------------------- the later outcome (ASCOF 2017-18 to 2023-24)


def test_the_everyone_eligible_targets_are_judged_against_the_whole_ascof_series(table):
    from pbanalysis.analysis import what_next

    best = what_next.england_best(what_next.SDS)
    later = table[table["method"] == "later_outcome"]
    assert len(later) >= 1
    for _, r in later.iterrows():
        assert r["status"] == ("reached" if best["value"] >= r["reported"] else "not_reached")
        assert r["rebuilt"] == best["value"]
        assert f"England's best year was {best['year']}, at {best['value']}%" in r["reason"]
        assert "no council-level measure exists for 2010-11 to 2016-17" in r["not_established"]
        assert "cannot show whether the target was met" in r["not_established"]
        assert "not NI 130" in r["not_established"]
        assert r["status"] in claims.VERDICTS


def test_a_target_below_the_later_outcome_is_reached(reg, cy, nat, table):
    fid = table.loc[table["method"] == "later_outcome", "figure_id"].iloc[0]
    t = claims.check(with_value(reg, fid, 90), cy, nat)
    r = row(t, fid)
    # England first stood at or above 90% in 2019-20 (91.9%).
    assert r["status"] == "reached" and r["reason"].startswith("Level reached in 2019-20")


# --------------------------------------------------------------------------- bracket and bound rows


def test_a_bracket_row_never_passes_on_one_end_alone(reg, cy, nat, doc):
    """Every bracket or bound row: consistent only when the claim fits at the end of the bound least
    favourable to it; a claim that fits one end only is conditional, with its condition stated."""
    t = claims.check(reg, cy, nat)
    for _, r in t[t["method"].isin(["bracket", "reconcile"]) & t["status"].isin(claims.VERDICTS)].iterrows():
        entry = doc["checks"][r["figure_id"]]
        lo, hi, blo, bhi = r["implied_low"], r["implied_high"], r["bracket_low"], r["bracket_high"]
        if r["method"] == "reconcile":
            blo = bhi = r["rebuilt"]
        rel = entry["relation"]
        fits_worst = lo <= blo if rel == "at_most" else hi >= bhi
        fits_best = lo <= bhi if rel == "at_most" else hi >= blo
        want = "consistent" if fits_worst else "inconsistent" if not fits_best else "conditional"
        assert r["status"] == want, r["figure_id"]
        if want == "conditional":
            assert "holds only if" in r["reason"], r["figure_id"]


@pytest.mark.parametrize(
    "relation,interval,bound,want",
    [
        ("at_most", (100, 110), (120, 200), "consistent"),
        ("at_most", (130, 150), (120, 200), "conditional"),
        ("at_most", (210, 230), (120, 200), "inconsistent"),
        ("at_least", (210, 230), (120, 200), "consistent"),
        ("at_least", (150, 160), (120, 200), "conditional"),
        ("at_least", (100, 110), (120, 200), "inconsistent"),
        ("at_least", (95, 105), (100, 100), "consistent"),
        ("at_most", (101, 105), (100, 100), "inconsistent"),
    ],
)
def test_the_bound_verdict_on_made_up_intervals(relation, interval, bound, want):
    from pbanalysis.analysis import methods

    assert methods._verdict(relation, *interval, *bound) == want


def test_the_straight_line_between_neighbours_is_computed_not_typed():
    from pbanalysis.analysis import methods

    vals = [{"year": "2008-09", "value": 100.0}, {"year": "2010-11", "value": 300.0}]
    assert methods._straight_line(vals, "2009-10") == 200.0
    vals = [{"year": "2008-09", "value": 100.0}, {"year": "2011-12", "value": 400.0}]
    assert methods._straight_line(vals, "2009-10") == 200.0
    assert np.isnan(methods._straight_line(vals[:1], "2009-10"))


# --------------------------------------------------------------------------- the basis of each check


def test_every_claim_has_a_basis_set_by_rule(table, doc):
    assert set(table["basis"]) <= set(claims.BASES)
    for _, r in table.iterrows():
        entry = doc["checks"][r["figure_id"]]
        if r["method"] == "rebuild":
            assert r["basis"] == "own_figures"
        elif r["status"] == "proxy":
            assert r["basis"] == "proxy"
        elif r["method"] in ("bracket", "reconcile"):
            ceiling = entry["relation"] == "at_most" or entry.get("monotonic")
            assert r["basis"] == ("possibility" if ceiling else "official"), r["figure_id"]
        else:
            assert r["basis"] == claims.METHOD_BASIS[r["method"]], r["figure_id"]


def test_only_official_floors_count_as_tested_against_official_data(table):
    tested = set(table.loc[table["basis"] == "official", "figure_id"])
    assert tested == {
        "pb_holders_mar2010",
        "pb_holders_mar2010_s4",
        "pb_holders_ongoing_mar2010",
        "pb_holders_increase_year_to_mar2010",
    }
    assert set(table.loc[table["basis"] == "possibility", "figure_id"]) == {
        "jerome_responding_councils_2011",
        "survey_councils_2010",
        "pb_spend_direct_payment_share_pct",
    }


def test_by_basis_counts_every_figure_once():
    t = pd.DataFrame(
        {
            "basis": ["official", "official", "own_figures", "possibility", "input"],
            "status": ["consistent", "inconsistent", "match", "conditional", "input"],
        }
    )
    b = claims.by_basis(t)
    assert b["figures"].sum() == len(t)
    assert list(b["basis"]) == ["official", "official", "own_figures", "possibility", "input"]
    assert claims.basis_counts(t)["official"] == {"consistent": 1, "inconsistent": 1}
