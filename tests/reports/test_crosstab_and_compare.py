"""The dashboard's cross-table and year-comparison pages and their downloads, checked against pandas over the
synthetic CSV the registry was loaded from (tests/reports/expected.py)."""

import csv
import io
import json
import re

import pandas as pd
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from amparo.registry.case_filter import CaseFilter
from amparo.reports.dashboard import comparison_table
from tests.reports.expected import synthetic_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(synthetic_csv):
    frame = synthetic_cases(synthetic_csv)
    frame["sex"] = frame.prs_Gender.replace({"": "unknown", "NonSpecifiedUnknown": "unknown"})
    frame["family"] = frame.family_facilitated.map({True: "yes", False: "no"})
    frame["exploitation"] = frame.vic_TypeOfExploitation.replace("", "unknown").str.split(";")
    return frame


def _json(client, name: str, query: str) -> dict:
    response = client.get(reverse("dashboard-table", args=[name, "json"]) + query)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def _cells(table: dict) -> dict[tuple[str, str], int]:
    """{(row key, column key): count} of a cross-table's JSON, margins under "total"."""
    return {
        (row["key"], column["key"].removeprefix("c:")): row[column["key"]]
        for row in table["rows"]
        for column in table["columns"]
        if column["kind"] == "count"
    }


def _expected_crosstab(frame: pd.DataFrame, rows: str, columns: str) -> dict[tuple[str, str], int]:
    """Cells and margins counted with pandas; a list-valued column counts each case once per distinct value,
    and a margin counts each case once."""
    exploded = frame
    for name in (rows, columns):
        if isinstance(frame[name].iloc[0], list):
            exploded = exploded.assign(**{name: exploded[name].map(lambda v: sorted(set(v)))}).explode(name)
    cells = exploded.groupby([rows, columns]).size()
    expected = {(r, c): int(n) for (r, c), n in cells.items()}
    for key, group in exploded.groupby(rows):
        expected[(key, "total")] = group.source_record_id.nunique()
    for key, group in exploded.groupby(columns):
        expected[("total", key)] = group.source_record_id.nunique()
    expected[("total", "total")] = len(frame)
    return expected


def _filled(expected: dict, actual: dict) -> dict:
    """The expected cells, with a 0 for each pair of a listed row and column that no case has."""
    return {key: expected.get(key, 0) for key in actual}


def test_the_cross_table_counts_every_cell_and_margin_as_pandas_does(cases, data_manager, client_as):
    client = client_as(data_manager)
    year = cases[cases.year == 2010]
    table = _json(client, "crosstab", "?year=2010&rows=sex&columns=family_facilitated")
    actual = _cells(table)
    expected = _expected_crosstab(year, "sex", "family")
    assert {k for k, v in expected.items()} <= set(actual)
    assert actual == _filled(expected, actual)
    assert actual[("total", "total")] == 253
    assert table["protection"] == {"method": "none", "for_publication": False}


def test_a_multi_valued_dimensions_margins_count_each_case_once(cases, data_manager, client_as):
    year = cases[(cases.year == 2011) & (cases.department == "15")]
    table = _json(client_as(data_manager), "crosstab", "?year=2011&department=15&rows=exploitation&columns=sex")
    actual = _cells(table)
    assert actual == _filled(_expected_crosstab(year, "exploitation", "sex"), actual)
    assert actual[("total", "total")] == len(year)
    # Cases with several types of exploitation are in several rows: the cells add up to more than the total.
    assert sum(n for (r, c), n in actual.items() if "total" not in (r, c)) > len(year)


def test_the_page_shows_the_table_with_margins_and_links_its_downloads(cases, data_manager, client_as):
    query = "?year=2010&rows=sex&columns=family_facilitated"
    response = client_as(data_manager).get(reverse("dashboard-crosstab") + query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    year = cases[cases.year == 2010]
    women = year[year.sex == "Feminine"]
    row = re.search(r'<tr><th scope="row">Female</th>(.*?)</tr>', html, re.S).group(1)
    numbers = [int(n.replace(",", "")) for n in re.findall(r'<td class="num">([^<]*)</td>', row)]
    assert numbers == [(women.family == "yes").sum(), (women.family == "no").sum(), len(women)]
    totals = re.search(r'<tr class="stats-total">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', totals)[-1] == "253"
    assert "Sex × Family-facilitated" in html and 'class="stats-exact"' in html
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="{reverse("dashboard-table", args=["crosstab", fmt])}?year=2010&amp;rows=sex&amp;' in html


def test_the_downloads_are_the_dashboards_files(cases, data_manager, client_as):
    client = client_as(data_manager)
    query = "?year=2010&rows=sex&columns=family_facilitated"
    response = client.get(reverse("dashboard-table", args=["crosstab", "csv"]) + query)
    assert response["Content-Disposition"] == 'attachment; filename="amparo-sex-family-facilitated-2010.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    year = cases[cases.year == 2010]
    female = next(r for r in rows if r[0] == "Feminine")
    assert [int(n) for n in female[-3:]] == [
        ((year.sex == "Feminine") & (year.family == "yes")).sum(),
        ((year.sex == "Feminine") & (year.family == "no")).sum(),
        (year.sex == "Feminine").sum(),
    ]
    book = client.get(reverse("dashboard-table", args=["crosstab", "xlsx"]) + query)
    assert book.status_code == 200
    CalamineWorkbook.from_filelike(io.BytesIO(book.content))


def test_an_analyst_gets_the_cross_table_perturbed_with_the_dashboards_note(cases, analyst, client_as):
    client = client_as(analyst)
    year = cases[cases.year == 2010]
    table = _json(client, "crosstab", "?year=2010&rows=department&columns=family_facilitated")
    assert table["protection"]["method"] == "cell-key perturbation"
    actual = _cells(table)
    expected = _expected_crosstab(
        year.assign(department=year.department.replace("", "unknown")), "department", "family"
    )
    # Every published figure within the perturbation's bound of the truth, and not all of them exact.
    assert all(abs(n - expected.get(key, 0)) <= 3 for key, n in actual.items())
    assert actual != _filled(expected, actual)
    html = client.get(reverse("dashboard-crosstab") + "?year=2010&rows=department&columns=family_facilitated")
    note = re.search(r'<p class="stats-suppression" role="note">([^<]*)</p>', html.content.decode()).group(1)
    dashboard = client.get(reverse("dashboard") + "?year=2010").content.decode()
    assert note in dashboard and "amparo-ckm-3" in note


@pytest.mark.parametrize(
    "query, message",
    [
        ("?rows=sex&columns=sex", "The rows and the columns need two different dimensions."),
        ("?rows=colour&columns=sex", "“colour” is not a dimension Amparo counts by."),
        ("?rows=sex&columns=", "Choose a dimension for the rows and another for the columns."),
        ("?rows=sex&columns=age_group&year=dosmil", "Select a valid choice."),
    ],
)
def test_a_cross_table_it_cannot_make_is_refused_with_a_message(synthetic_csv, analyst, client_as, query, message):
    client = client_as(analyst)
    page = client.get(reverse("dashboard-crosstab") + query, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400 and message in page.content.decode()
    download = client.get(reverse("dashboard-table", args=["crosstab", "csv"]) + query, HTTP_ACCEPT_LANGUAGE="en")
    assert download.status_code == 400 and message in download.content.decode()


def test_without_dimensions_the_page_asks_for_them_and_a_download_is_refused(synthetic_csv, analyst, client_as):
    client = client_as(analyst)
    page = client.get(reverse("dashboard-crosstab"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Choose a dimension for the rows and another" in page.content.decode()
    assert "<table>" not in page.content.decode()
    assert client.get(reverse("dashboard-table", args=["crosstab", "json"])).status_code == 400


def _comparison(table: dict) -> dict[str, list]:
    return {row["key"]: [row[c["key"]] for c in table["columns"][1:]] for row in table["rows"]}


def test_the_comparison_sets_two_years_counts_and_changes_side_by_side(cases, data_manager, client_as):
    table = _json(client_as(data_manager), "compare", "?year_from=2010&year_to=2011&dimension=sex")
    counts = cases[cases.year.isin([2010, 2011])].groupby(["sex", "year"]).size().unstack(fill_value=0)
    expected = {}
    for key, (earlier, later) in counts[[2010, 2011]].iterrows():
        expected[key] = [
            int(earlier),
            int(later),
            int(later - earlier),
            (later - earlier) / earlier if earlier else None,
        ]
    earlier, later = int((cases.year == 2010).sum()), int((cases.year == 2011).sum())
    expected["total"] = [earlier, later, later - earlier, (later - earlier) / earlier]
    shown = _comparison(table)
    assert {key: row[:3] for key, row in shown.items()} == {key: row[:3] for key, row in expected.items()}
    assert {key: row[3] for key, row in shown.items()} == pytest.approx({key: row[3] for key, row in expected.items()})
    assert [c["label"] for c in table["columns"][1:3]] == ["Casos 2010", "Casos 2011"]


def test_the_comparison_opens_on_the_last_complete_year_and_the_one_before(cases, data_manager, client_as):
    response = client_as(data_manager).get(reverse("dashboard-compare"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    last = cases.year.max()  # the synthetic registry ends years before today
    assert f"No years chosen: {last}, the last complete year, is compared with {last - 1}." in html
    assert "Type of exploitation: 2011 compared with 2012" in html
    exploded = cases[cases.year == last].explode("exploitation").drop_duplicates(["source_record_id", "exploitation"])
    top = exploded.exploitation.value_counts()
    label = {"SexualExploitation": "Sexual exploitation", "ForcedLabour": "Forced labour"}[top.index[0]]
    first = re.search(r"<tbody>\s*<tr><th scope=\"row\">([^<]*)</th>", html).group(1)
    assert first == label  # the largest count of the later year first


def test_a_change_from_a_hidden_count_is_unknown_and_the_others_are_exact(cases, settings):
    """Small-cell suppression (threshold 5) hides counts rather than perturbing them: a change with a hidden
    side is unknown, the others are the difference of the two shown counts."""
    table = comparison_table("department", CaseFilter(years=(2010, 2011)), 5)
    counts = (
        cases[cases.year.isin([2010, 2011])]
        .assign(department=lambda f: f.department.replace("", "unknown"))
        .groupby(["department", "year"])
        .size()
        .unstack(fill_value=0)
    )
    rows = dict(zip(table.keys, table.rows))
    small = [key for key, (a, b) in counts[[2010, 2011]].iterrows() if 0 < a < 5 or 0 < b < 5]
    assert small, "the synthetic registry has departments with fewer than 5 cases in 2010 or 2011"
    for key in small:
        _, earlier, later, change, percent = rows[key]
        assert change is None and percent is None and None in (earlier, later)
    for key, (_, earlier, later, change, _) in rows.items():
        if earlier is not None and later is not None and key != "total":
            assert (earlier, later, change) == (counts.at[key, 2010], counts.at[key, 2011], later - earlier)


def test_an_analyst_gets_perturbed_comparisons_with_the_dashboards_note(cases, analyst, client_as):
    client = client_as(analyst)
    table = _json(client, "compare", "?year_from=2010&year_to=2011&dimension=department")
    assert table["protection"]["method"] == "cell-key perturbation"
    truth = cases[cases.year.isin([2010, 2011])].assign(department=lambda f: f.department.replace("", "unknown"))
    counts = truth.groupby(["department", "year"]).size().unstack(fill_value=0)
    shown = _comparison(table)
    assert all(abs(shown[k][0] - counts.at[k, 2010]) <= 3 for k in counts.index if k in shown)
    assert all(row[2] == row[1] - row[0] for row in shown.values())  # changes of the published counts
    html = client.get(reverse("dashboard-compare") + "?year_from=2010&year_to=2011").content.decode()
    assert 'class="stats-suppression"' in html and "amparo-ckm-3" in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("?year_from=dosmil", "Choose a year from 1900 to"),
        ("?year_from=1850&year_to=2011", "Choose a year from 1900 to"),
        ("?year_from=2010&year_to=3000", "Choose a year from 1900 to"),
        ("?year_from=2011&year_to=2010", "The earlier year must come before the later one."),
        ("?year_from=2011&year_to=2011", "The earlier year must come before the later one."),
        ("?year_from=2010&year_to=2011&dimension=colour", "“colour” is not a dimension Amparo counts by."),
        ("?year_from=2010&year_to=2011&dimension=year", "“year” is not a dimension Amparo counts by."),
    ],
)
def test_bad_years_or_dimensions_are_refused_with_a_message(synthetic_csv, analyst, client_as, query, message):
    client = client_as(analyst)
    page = client.get(reverse("dashboard-compare") + query, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400 and message in page.content.decode()
    download = client.get(reverse("dashboard-table", args=["compare", "json"]) + query, HTTP_ACCEPT_LANGUAGE="en")
    assert download.status_code == 400 and message in download.content.decode()


@pytest.mark.parametrize(
    "language, words",
    [
        ("es", ["Sexo × Facilitado por familiares", "Femenino", "Algunos filtros no son válidos"]),
        ("en", ["Sex × Family-facilitated", "Female", "Some filters are not valid"]),
    ],
)
def test_both_pages_speak_spanish_and_english(synthetic_csv, data_manager, client_as, language, words):
    client = client_as(data_manager)
    crosstab = client.get(
        reverse("dashboard-crosstab") + "?year=2010&rows=sex&columns=family_facilitated", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    compare = client.get(
        reverse("dashboard-compare") + "?year_from=2010&year_to=2011&dimension=sex", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert f'<html lang="{language}"' in crosstab and f'<html lang="{language}"' in compare
    assert words[0] in crosstab and words[1] in crosstab and words[1] in compare
    refused = client.get(reverse("dashboard-compare") + "?year_from=x", HTTP_ACCEPT_LANGUAGE=language)
    assert words[2] in refused.content.decode()


def test_the_dashboard_links_to_both_pages_with_its_filters(synthetic_csv, analyst, client_as):
    html = client_as(analyst).get(reverse("dashboard") + "?year=2010&sex=Feminine").content.decode()
    assert f'href="{reverse("dashboard-crosstab")}?year=2010&amp;sex=Feminine"' in html
    assert f'href="{reverse("dashboard-compare")}?year=2010&amp;sex=Feminine"' in html


def test_both_pages_need_a_login_as_the_dashboard_does(client, synthetic_csv):
    for name in ("dashboard-crosstab", "dashboard-compare"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_registry_of_this_year_only_is_compared_with_last_year_and_says_the_year_is_not_complete(
    db, data_manager, client_as
):
    from django.utils import timezone

    from amparo.registry.models import Organisation
    from amparo.registry.records import CaseRecord, PersonRecord
    from amparo.registry.services import cases_register

    today = timezone.localdate()
    source = Organisation.objects.create(name="Hotline", org_type="NGO")
    cases_register(records=[CaseRecord("NEW-1", today, victim=PersonRecord("Feminine", "PE"))], source=source)
    response = client_as(data_manager).get(reverse("dashboard-compare") + "?dimension=sex", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{today.year}, the newest year with cases, is compared with {today.year - 1}" in html
    female = re.search(r'<tr><th scope="row">Female</th>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', female) == ["0", "1", "1", "—"]  # no percent of 0
