"""amparo report: every figure against pandas over the synthetic CSV, every format, and clear errors."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from amparo.core.age_bands import PERU_BANDS
from tests.reports.expected import synthetic_cases

pytestmark = pytest.mark.django_db


def _report(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _rows(report: dict, slug: str) -> dict[str, dict]:
    table = next(t for t in report["tables"] if t["slug"] == slug)
    return {row["key"]: row for row in table["rows"]}


def test_every_figure_of_the_json_report_matches_pandas_over_the_synthetic_csv(synthetic_csv):
    cases = synthetic_cases(synthetic_csv)
    year = cases[cases.year == 2010]
    report = json.loads(_report("--year", "2010", "--format", "json", "--lang", "en", "--no-suppress"))
    assert report["year"] == 2010 and report["unit"] == "cases" and report["synthetic"] is True
    figures = {f["key"]: f for f in report["figures"]}
    assert figures["total"]["value"] == len(year)
    assert figures["family_facilitated"]["value"] == year.family_facilitated.sum()
    assert figures["family_facilitated_share"]["value"] == pytest.approx(year.family_facilitated.mean())
    assert all(f["definition"] for f in report["figures"])

    departments = _rows(report, "department")
    expected = (
        year[year.department != ""].groupby("department").agg(n=("year", "size"), ff=("family_facilitated", "sum"))
    )
    assert {k: r["count"] for k, r in departments.items() if k not in ("total", "unknown")} == expected.n.to_dict()
    assert {
        k: r["family_facilitated"] for k, r in departments.items() if k not in ("total", "unknown")
    } == expected.ff.to_dict()
    assert departments["15"]["share"] == pytest.approx(expected.n["15"] / len(year))
    assert departments["total"]["count"] == len(year)

    sexes = _rows(report, "sex")
    assert {k: r["count"] for k, r in sexes.items() if k != "total"} == year.prs_Gender.replace(
        {"": "unknown", "NonSpecifiedUnknown": "unknown"}
    ).value_counts().to_dict()

    bands = {
        b.label: ((year.age >= b.lower) & (year.age <= (b.upper if b.upper is not None else 200))).sum()
        for b in PERU_BANDS
    }
    ages = _rows(report, "age-group")
    assert {k: ages[k]["count"] for k in bands if k in ages} == {k: v for k, v in bands.items() if v}

    lima = year[year.department == "15"]
    areas = _rows(report, "lima-area")
    assert areas["metropolitana"]["count"] == (lima.province == "1501").sum()
    assert areas["provincias"]["count"] == (lima.province != "1501").sum()

    trend = _rows(report, "trend")
    assert {k: r["count"] for k, r in trend.items()} == {"2010": len(year), "total": len(year)}
    columns = next(t for t in report["tables"] if t["slug"] == "department")["columns"]
    assert all(c["definition"] for c in columns if c["kind"] != "text")


def test_the_published_report_perturbs_every_cell_and_says_so(synthetic_csv):
    cases = synthetic_cases(synthetic_csv)
    year = cases[(cases.year == 2010) & (cases.department != "")]
    expected = year.groupby("department").agg(n=("year", "size"), ff=("family_facilitated", "sum"))
    report = json.loads(_report("--year", "2010", "--format", "json", "--lang", "en"))
    assert report["protection"] == {
        "method": "cell-key perturbation",
        "perturbation_table": "amparo-ckm-3",
        "max_noise": 3,
        "additive": False,
    }
    assert report["suppression_threshold"] is None
    departments = _rows(report, "department")
    for code, truth in expected.iterrows():
        shown = departments.get(code, {"count": 0, "family_facilitated": 0})  # perturbed to zero: not listed
        assert shown["count"] >= 0 and abs(shown["count"] - truth.n) <= 3
        assert 0 <= shown["family_facilitated"] <= shown["count"] and abs(shown["family_facilitated"] - truth.ff) <= 3
    assert all(row["count"] > 0 for code, row in departments.items() if code != "total")
    assert abs(departments["total"]["count"] - len(cases[cases.year == 2010])) <= 3
    note = next(t for t in report["tables"] if t["slug"] == "department")["note"]
    assert "cell-key perturbation (table amparo-ckm-3, max noise ±3)" in note and "need not add up" in note
    assert json.loads(_report("--year", "2010", "--format", "json", "--lang", "en"))["tables"] == report["tables"]


def test_the_exact_report_says_it_is_not_for_publication(synthetic_csv):
    report = json.loads(_report("--year", "2010", "--format", "json", "--lang", "en", "--no-suppress"))
    assert report["protection"] == {"method": "none", "for_publication": False}
    assert "Exact figures, not protected: not for publication." in report["notes"]


def test_the_markdown_report_carries_the_sentences_and_tables(synthetic_csv):
    text = _report("--year", "2010", "--format", "md", "--lang", "es", "--no-suppress")
    assert "En 2010 se registraron 253 casos de trata de personas; 120 (47 %) en Lima" in text
    assert "| Lima | 120 | 47,4 % |" in text
    assert "datos SINTÉTICOS" in text


def test_the_html_report_is_one_self_contained_file_with_charts_and_maps(synthetic_csv, tmp_path):
    out = tmp_path / "report.html"
    _report("--year", "2010", "--format", "html", "--lang", "es", "--out", str(out))
    html = out.read_text("utf-8")
    assert (
        html.count('class="map choropleth"') == 2
        and 'class="chart bar-chart"' in html
        and 'class="chart line-chart"' in html
    )
    assert "<style>" in html and "@media print" in html
    assert (
        "<script" not in html
        and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
        and "https://" not in html
    )


def test_boundaries_give_a_choropleth(synthetic_csv, boundary_file, tmp_path):
    out = tmp_path / "report.html"
    _report("--year", "2010", "--boundaries", str(boundary_file), "--out", str(out))
    html = out.read_text("utf-8")
    assert html.count('class="map choropleth"') == 2 and html.count('class="department"') == 50


def test_the_workbook_has_one_sheet_per_table(synthetic_csv, tmp_path):
    out = tmp_path / "report.xlsx"
    _report("--year", "2010", "--format", "xlsx", "--lang", "en", "--out", str(out), "--no-suppress")
    book = CalamineWorkbook.from_path(str(out))
    report = json.loads(_report("--year", "2010", "--format", "json", "--lang", "en", "--no-suppress"))
    assert book.sheet_names == ["Summary"] + [t["slug"] for t in report["tables"]] + ["provenance"]
    rows = book.get_sheet_by_name("department").to_python()
    header = next(i for i, r in enumerate(rows) if r[:2] == ["Department", "Cases"])
    assert rows[header + 1][:2] == ["Lima", 120]


def test_an_empty_year_gives_a_clear_report_not_an_error(synthetic_csv):
    report = json.loads(_report("--year", "2031", "--format", "json", "--lang", "es"))
    assert report["sentences"] == ["No se registraron casos en 2031."]
    assert {f["key"]: f["value"] for f in report["figures"]}["total"] == 0
    assert "No se registraron casos en 2031." in _report("--year", "2031", "--format", "html", "--lang", "es")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--year", "dos mil diez"], "--year debe ser un año como 2010, no 'dos mil diez'"),
        (["--year", "1850"], "--year debe estar entre 1900 y 2100, no 1850"),
        (
            ["--year", "2010", "--boundaries", "/nonexistent/peru.geojson"],
            "boundary file /nonexistent/peru.geojson does not exist",
        ),
        (["--year", "2010", "--format", "docx"], "invalid choice: 'docx'"),
        (["--year", "2010", "--lang", "fr"], "invalid choice: 'fr'"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(db, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _report(*args)


def test_its_messages_follow_the_language(db):
    from django.utils import translation

    with (
        translation.override("en"),
        pytest.raises(CommandError, match="--year must be between 1900 and 2100, not 1850"),
    ):
        _report("--year", "1850")


def test_it_refuses_geojson_without_the_department_properties(db, tmp_path):
    wrong = tmp_path / "wrong.geojson"
    wrong.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"NAME": "Lima"},
                        "geometry": {"type": "Polygon", "coordinates": []},
                    }
                ],
            }
        ),
        "utf-8",
    )
    with pytest.raises(CommandError, match="feature 1 lacks the property FIRST_IDDP"):
        _report("--year", "2010", "--boundaries", str(wrong))


def test_help_describes_the_options():
    from amparo.reports.management.commands.report import Command

    text = Command().create_parser("amparo", "report").format_help()
    for option in ("--year", "--lang", "--format", "--out", "--boundaries", "--suppress", "--no-suppress"):
        assert option in text


def test_the_unit_of_count_is_stated_and_can_be_victims(registry):
    report = json.loads(
        _report("--year", "2011", "--format", "json", "--lang", "en", "--no-suppress", "--unit", "victims")
    )
    assert report["unit"] == "victims"  # no linkage run: the label says the records are unlinked
    assert report["unit_label"] == "victims (unlinked records: no linkage run yet)"
    assert all(t["unit"] == "victims" for t in report["tables"])
    # 2011: Y01, Y02, Y03 are three reports of three persons (Y01's victim was also reported in 2010 as L01).
    assert {f["key"]: f["value"] for f in report["figures"]}["total"] == 3
    trend = _rows(report, "trend")
    assert trend["2010"]["count"] == 12 and trend["total"]["count"] == 14  # 15 reports, 14 persons


def test_crosstabs_and_relationship_groups_match_pandas(synthetic_csv):
    import pandas as pd

    cases = synthetic_cases(synthetic_csv)
    year = cases[cases.year == 2010]
    report = json.loads(_report("--year", "2010", "--format", "json", "--lang", "en", "--no-suppress"))

    exploded = year.assign(code=year.vic_TypeOfExploitation.replace("", "unknown").str.split(";")).explode("code")
    family = exploded[exploded.family_facilitated & (exploded.department != "")]
    expected = family.groupby(["department", "code"]).size()
    table = _rows(report, "family-department-exploitation")
    got = {
        (k, c[2:]): v
        for k, row in table.items()
        if k not in ("total", "unknown")
        for c, v in row.items()
        if c.startswith("c:") and v
    }
    assert got == dict(expected.items())
    assert table["total"]["total"] == year.family_facilitated.sum()

    groups = {
        "parent": "family",
        "step_parent": "family",
        "sibling": "family",
        "grandparent": "family",
        "uncle_aunt": "family",
        "other_relative": "family",
        "intimate_partner": "partner",
        "friend_acquaintance": "acquaintance",
        "employer": "acquaintance",
        "stranger": "other",
        "unknown": "unknown",
    }
    perpetrators = pd.read_csv(synthetic_csv / "perpetrators.csv", dtype=str, keep_default_na=False)
    perpetrators = perpetrators[perpetrators.source_record_id.isin(year.source_record_id)]
    pairs = set(zip(perpetrators.source_record_id, perpetrators.recruiter_relationship.map(groups)))
    without = set(year.source_record_id) - set(perpetrators.source_record_id)
    expected_groups = pd.Series([g for _, g in pairs] + ["unknown"] * len(without)).value_counts().to_dict()
    got_groups = {k: r["count"] for k, r in _rows(report, "relationship-group").items() if k != "total"}
    assert got_groups == expected_groups


def _chart_points(svg: str) -> list[str]:
    """The "year: value" of each point a line chart draws."""
    import re

    return re.findall(r'<circle class="point"[^>]*><title>([^<]*)</title>', svg)


def test_the_trend_runs_from_the_first_year_to_the_reports_in_order_in_table_and_charts(synthetic_csv):
    """The synthetic registry holds 2010-2012. The 2011 report's trend: 2010 and 2011, chronological, with
    their total, in the table and both charts; the 2010 report's: 2010 alone, drawn, not an empty chart."""
    from amparo.reports.annual import build_annual_report

    cases = synthetic_cases(synthetic_csv)
    per_year = cases.year.value_counts()
    report = json.loads(_report("--year", "2011", "--format", "json", "--lang", "en", "--no-suppress"))
    table = next(t for t in report["tables"] if t["slug"] == "trend")
    assert [(row["key"], row["count"]) for row in table["rows"]] == [
        ("2010", per_year[2010]),
        ("2011", per_year[2011]),
        ("total", per_year[2010] + per_year[2011]),
    ]
    for year, expected in ((2011, ["2010", "2011"]), (2010, ["2010"])):
        charts = build_annual_report(year=year, lang="en", suppress=False).charts
        assert [[point.split(":")[0] for point in _chart_points(chart.svg)] for chart in charts] == [expected] * 2
    only = build_annual_report(year=2010, lang="en", suppress=False).charts[0].svg
    assert _chart_points(only) == [f"2010: {per_year[2010]}"]
    assert '<text class="point-value"' in only and f">{per_year[2010]}</text>" in only
