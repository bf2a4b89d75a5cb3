"""2010 reproduces the IOM figures of the seed, counted from the CSV files with Polars only."""

import polars as pl
import pytest

from tests.synth.conftest import RELATIVES, family_facilitated_ids, read

JUNGLE = ("17", "16", "25", "22", "01")


@pytest.fixture(scope="module")
def cases(registry_2010):
    frame = read(registry_2010 / "cases.csv")
    return frame.with_columns(department=pl.col("exploitation_ubigeo").str.slice(0, 2))


@pytest.fixture(scope="module")
def perpetrators(registry_2010):
    return read(registry_2010 / "perpetrators.csv")


@pytest.fixture(scope="module")
def by_department(cases):
    return dict(cases.group_by("department").len().iter_rows())


def test_it_registers_253_cases_in_2010(cases):
    assert cases.height == 253
    assert cases["registration_date"].str.starts_with("2010-").all()
    assert cases["source_record_id"].n_unique() == 253


def test_lima_department_has_120_cases_or_47_percent(by_department):
    assert by_department["15"] == 120
    assert round(100 * by_department["15"] / 253) == 47


def test_callao_is_not_counted_as_lima(cases, by_department):
    callao = cases.filter(pl.col("exploitation_ubigeo").str.starts_with("07"))
    assert callao.height == by_department.get("07", 0)
    assert not cases.filter(pl.col("department") == "15")["exploitation_ubigeo"].str.starts_with("07").any()


def test_cusco_is_second_with_14_percent(by_department):
    assert round(100 * by_department["08"] / 253) == 14
    assert by_department["08"] == sorted(by_department.values(), reverse=True)[1]


def test_madre_de_dios_loreto_ucayali_follow_in_that_order(by_department):
    cusco, mdd, loreto, ucayali = (by_department[d] for d in ("08", "17", "16", "25"))
    assert cusco > mdd > loreto > ucayali
    others = [n for d, n in by_department.items() if d not in {"15", "08", "17", "16", "25"}]
    assert others and ucayali > max(others)


def test_110_of_the_120_lima_cases_are_family_facilitated(cases, perpetrators):
    lima = set(cases.filter(pl.col("department") == "15")["source_record_id"].to_list())
    assert len(lima & family_facilitated_ids(perpetrators)) == 110


def test_the_other_10_lima_cases_have_no_relative_and_no_household_member(cases, perpetrators):
    lima = set(cases.filter(pl.col("department") == "15")["source_record_id"].to_list())
    others = lima - family_facilitated_ids(perpetrators)
    assert len(others) == 10
    theirs = perpetrators.filter(pl.col("source_record_id").is_in(sorted(others)))
    assert theirs.height >= 10
    assert not theirs["recruiter_relationship"].is_in(sorted(RELATIVES)).any()
    assert (theirs["lives_in_household"] == "false").all()


def test_most_sexual_exploitation_cases_in_the_jungle_are_family_facilitated(cases, perpetrators):
    family = family_facilitated_ids(perpetrators)
    sexual = cases.filter(
        pl.col("department").is_in(JUNGLE) & pl.col("vic_TypeOfExploitation").str.contains("SexualExploitation")
    )
    assert sexual.height > 0
    for department, group in sexual.group_by("department"):
        ids = set(group["source_record_id"].to_list())
        assert len(ids & family) > len(ids) / 2, department


def test_most_cases_have_no_organised_network(cases):
    counts = dict(cases.group_by("organised_network").len().iter_rows())
    assert set(counts) <= {"yes", "no", "unknown"}
    assert counts["no"] > 253 / 2
    assert counts["no"] > counts.get("yes", 0) * 3


def test_adolescent_girls_are_the_largest_group_of_victims(cases):
    grouped = (
        cases.with_columns(
            female=pl.col("prs_Gender") == "Feminine",
            band=pl.col("age").cast(pl.Int64).cut([12, 17], labels=["child", "adolescent", "adult"]).cast(pl.String),
        )
        .group_by("female", "band")
        .len()
    )
    sizes = {(female, band): n for female, band, n in grouped.iter_rows()}
    largest = max(sizes, key=sizes.get)
    assert largest == (True, "adolescent")
    assert sizes[largest] > 253 / 3
    assert sizes.get((True, "child"), 0) + sizes.get((False, "child"), 0) > 0
    assert sizes.get((True, "adult"), 0) + sizes.get((False, "adult"), 0) > 0


def test_the_case_department_is_the_department_of_the_exploitation_event(registry_2010, cases):
    events = read(registry_2010 / "events.csv").filter(pl.col("hte_Type") == "Exploitation")
    joined = cases.join(events, on="source_record_id")
    assert joined.height == 253
    assert (joined["exploitation_ubigeo"] == joined["ubigeo"]).all()


def test_the_case_file_alone_carries_the_family_flag(cases, perpetrators):
    """The main recruiter of a family-facilitated case is a relative, so an import of cases.csv counts the same."""
    by_main_recruiter = set(
        cases.filter(pl.col("recruiter_relationship").is_in(sorted(RELATIVES)))["source_record_id"].to_list()
    )
    assert by_main_recruiter == family_facilitated_ids(perpetrators)
