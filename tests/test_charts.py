"""Charts: house style, provenance source lines, alt text, determinism and image hashes (pytest-mpl)."""

from __future__ import annotations

import functools
import subprocess
import sys

import pytest

from pbanalysis.core import keys, paths
from pbanalysis.core.errors import ParameterError
from pbanalysis.dataset import datapackage, origins
from pbanalysis.pipeline import registry

HASHES = "mpl_hashes.json"


def test_source_line_is_built_from_the_data_package():
    line = datapackage.source_line(datapackage.PSSEX1, years=["2010-11"])
    pkg = datapackage.load_package()
    src = next(r for r in pkg["resources"] if r["name"] == "pssex1-activity")["sources"][0]
    assert line.startswith("Source: NHS Information Centre") and "2010-11" in line
    assert src["licence"] in line


def _source(year: str, **fields) -> dict:
    return {
        "title": "Stats, a file",
        "publisher": "Pub (its long name)",
        "publication": "Stats",
        "year": year,
        "licence": "OGL",
        "retrieved": "2025-01-02",
        "credit": "Pub, Stats tables",
    } | fields


#: A made-up data package: a yearly publication, and a compilation of another.
PACKAGE = {
    "resources": [
        {"name": "yearly", "sources": [_source("2008-09"), _source("2009-10"), _source("2010-11")]},
        {
            "name": "compiled",
            "sources": [
                _source(
                    "2017-18 to 2023-24", kind="secondary_compilation", stored_copy={"repository": "x/y"}, credit="B"
                )
            ],
        },
    ]
}


def test_one_source_line_function_gives_every_form_a_chart_or_table_prints():
    line = functools.partial(datapackage.source_line, package=PACKAGE)
    assert line("yearly") == "Source: Pub, Stats, 2008-09 to 2010-11 (retrieved 2025-01-02). Licence: OGL."
    assert line("yearly", years=["2009-10"]) == "Source: Pub, Stats, 2009-10 (retrieved 2025-01-02). Licence: OGL."
    assert line("yearly", years=["1999-00"]).startswith("Source: Pub, Stats, 2008-09 to 2010-11"), "no such year: all"
    # The years are the first resource's; a compilation says so in every form.
    assert line("yearly", "compiled", years=["2010-11"], form="short") == (
        f"Source: Pub, Stats tables, 2010-11; B, 2017-18 to 2023-24, {origins.COMPILED_FROM}."
    )
    assert line("compiled", prefix=False) == (
        f"Pub, Stats, 2017-18 to 2023-24, {origins.COMPILED_FROM} in x/y (not an official file; checked against the "
        "official 2020-21 file) (retrieved 2025-01-02). Licence: OGL."
    )
    assert line("yearly", form="licensed", prefix=False, processed=True) == (
        "Pub, Stats tables, 2008-09 to 2010-11 (licence: OGL). Processed by pbanalysis."
    )
    assert line("compiled", form="short", then=[("England proxy", "yearly")]) == (
        f"Source: B, 2017-18 to 2023-24, {origins.COMPILED_FROM}. England proxy: Pub, Stats tables, 2008-09 to 2010-11."
    )
    with pytest.raises(KeyError, match="no resource 'nothing'; it has yearly, compiled"):
        line("nothing")
    with pytest.raises(ValueError, match="form 'long'"):
        line("yearly", form="long")


def test_the_register_source_line_names_the_articles_publications_and_dates(tmp_path, monkeypatch):
    csv_path = tmp_path / "reported_sources.csv"
    csv_path.write_text(
        "source_id,publication,published\n"
        "S1,Beta News - the blog,2011-02-03\n"
        "S2,Alpha (online),2010-04\n"
        "S3,Beta News,2010-09-01\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(paths, "REGISTER_SOURCES_CSV", csv_path)
    register = (
        "reported figures from Alpha, Beta News articles, 2010-04 to 2011-02 (pbanalysis register of reported figures)"
    )
    assert datapackage.source_line(datapackage.REGISTER, package=PACKAGE) == f"Source: {register}."
    assert datapackage.source_line("yearly", form="short", then=[("Split", datapackage.REGISTER)], package=PACKAGE) == (
        f"Source: Pub, Stats tables, 2008-09 to 2010-11. Split: {register}."
    )


def test_a_council_measure_is_credited_to_the_table_it_is_read_from():
    assert datapackage.resource_of(keys.DP_SPEND_PER_RECIPIENT_GBP) == datapackage.UNIT_COSTS
    assert datapackage.resource_of(keys.PROXY_TAKEUP_PCT) == datapackage.PSSEX1


@pytest.mark.parametrize("name", list(registry.CHARTS))
def test_every_chart_saves_svg_png_alt_text_and_numbers(name, tmp_path):
    paths_written = registry.render(name, fmt="both", out_dir=tmp_path)
    suffixes = sorted(p.name.split(".", 1)[1] for p in paths_written)
    assert suffixes == ["alt.txt", "json", "png", "svg"]
    assert len((tmp_path / f"{name}.alt.txt").read_text()) > 40  # SVG text is drawn as paths


def test_a_saved_or_shown_chart_keeps_no_pixel_buffer(tmp_path):
    """A notebook's output history keeps every chart it showed: not its 20 MB of pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    chart = registry.draw("variance_thresholds")
    assert isinstance(chart.fig.canvas, FigureCanvasAgg)
    assert "renderer" in vars(chart.fig.canvas), "laid out with an Agg renderer (the test's premise)"
    chart._repr_svg_()
    assert "renderer" not in vars(chart.fig.canvas)
    chart = registry.draw("variance_thresholds")
    chart.save(tmp_path, formats=("png",))
    assert "renderer" not in vars(chart.fig.canvas)
    before = (tmp_path / "variance_thresholds.png").read_bytes()
    chart.save(tmp_path / "again", formats=("png",))  # draws again on demand, the same pixels
    assert (tmp_path / "again" / "variance_thresholds.png").read_bytes() == before


def test_svg_and_png_are_byte_identical_across_runs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    registry.render("variance_rank", fmt="both", out_dir=a)
    registry.render("variance_rank", fmt="both", out_dir=b)
    for ext in ("svg", "png", "json"):
        assert (a / f"variance_rank.{ext}").read_bytes() == (b / f"variance_rank.{ext}").read_bytes()


def test_svg_has_no_date_metadata(tmp_path):
    registry.render("dp_spend_series", fmt="svg", out_dir=tmp_path)
    assert "<dc:date>" not in (tmp_path / "dp_spend_series.svg").read_text()


def test_sizes_slide_and_a4half(tmp_path):
    from PIL import Image

    registry.render("pb_spend_split", fmt="png", size="slide", out_dir=tmp_path / "s")
    registry.render("pb_spend_split", fmt="png", size="a4half", out_dir=tmp_path / "a")
    w, h = Image.open(tmp_path / "s" / "pb_spend_split.png").size
    assert (w, h) == (3000, 1687)
    image = Image.open(tmp_path / "a" / "pb_spend_split.png")
    # An A4-wide canvas printed across the 170 mm text width at 300 ppi, and the header says so.
    assert image.size[0] in (2007, 2008)
    assert [round(v) for v in image.info["dpi"]] == [300, 300]
    assert abs(image.size[0] / image.info["dpi"][0] * 25.4 - 170) < 0.5


@pytest.mark.parametrize(
    "kw,allowed",
    [
        ({"fmt": "jpg"}, "svg, png"),
        ({"size": "poster"}, "slide, a4half"),
        ({"council": "Atlantis"}, "council name or GSS code"),
    ],
)
def test_bad_chart_options_fail_clearly(kw, allowed, tmp_path):
    name = "council_trend" if "council" in kw else "pb_spend_split"
    with pytest.raises(ParameterError, match=allowed):
        registry.render(name, out_dir=tmp_path, **kw)


def test_cli_lists_charts_and_draws_one_in_each_format(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pbanalysis", "chart", "--list"], capture_output=True, text=True)
    assert out.returncode == 0 and "variance_rank" in out.stdout
    for fmt in ("svg", "png"):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pbanalysis",
                "chart",
                "variance_rank",
                "--year",
                "2010-11",
                "--format",
                fmt,
                "--out",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        assert (tmp_path / f"variance_rank.{fmt}").exists()
    bad = subprocess.run(
        [sys.executable, "-m", "pbanalysis", "chart", "variance_rank", "--year", "1999-00", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0 and "allowed values: 2008-09" in bad.stderr


def test_help_explains_every_command():
    out = subprocess.run([sys.executable, "-m", "pbanalysis", "--help"], capture_output=True, text=True).stdout
    for cmd in ("raw", "data", "chart", "briefings", "run-notebook", "html", "index"):
        assert cmd in out


# --- image tests (pytest-mpl, hash library) -----------------------------------------------------


@pytest.mark.mpl_image_compare(hash_library=HASHES, deterministic=True)
def test_image_variance_rank():
    return registry.draw("variance_rank", year="2010-11").fig


@pytest.mark.mpl_image_compare(hash_library=HASHES, deterministic=True)
def test_image_takeup_denominators():
    return registry.draw("takeup_denominators").fig


@pytest.mark.mpl_image_compare(hash_library=HASHES, deterministic=True)
def test_image_council_trend():
    return registry.draw("council_trend", council="Somerset").fig


@pytest.mark.mpl_image_compare(hash_library=HASHES, deterministic=True)
def test_image_what_next_trend_sds():
    return registry.draw("what_next_trend_sds").fig


@pytest.mark.mpl_image_compare(hash_library=HASHES, deterministic=True)
def test_image_what_next_sds_rank():
    return registry.draw("what_next_sds_rank").fig
