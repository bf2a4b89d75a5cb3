"""Years after 2010 have plausible sizes and shapes, counted from the CSV with Polars."""

import polars as pl
import pytest

from tests.synth.conftest import read


@pytest.fixture(scope="module")
def cases(registry_all_years):
    return read(registry_all_years / "cases.csv").with_columns(
        year=pl.col("registration_date").str.slice(0, 4).cast(pl.Int64),
        department=pl.col("exploitation_ubigeo").str.slice(0, 2),
    )


def test_every_year_from_2010_to_2025_has_hundreds_to_1500_cases(cases):
    per_year = dict(cases.group_by("year").len().iter_rows())
    assert sorted(per_year) == list(range(2010, 2026))
    assert per_year[2010] == 253
    assert all(200 <= n <= 1600 for n in per_year.values())
    assert per_year[2025] > per_year[2018] > per_year[2011]


def test_lima_is_the_largest_department_every_year(cases):
    counts = cases.group_by("year", "department").len()
    largest = counts.sort("len", descending=True).group_by("year").first()
    assert set(largest["department"].to_list()) == {"15"}


def test_venezuelan_victims_appear_with_the_migration_of_2017_onwards(cases):
    venezuelan = cases.filter(pl.col("prs_Citizenship") == "VE")
    assert venezuelan.height > 0
    assert venezuelan["year"].min() >= 2017
    citizenships = set(cases["prs_Citizenship"].unique().to_list())
    assert citizenships == {"PE", "VE", "CO", "BO", "EC"}
    assert (cases["prs_Citizenship"] == "PE").mean() > 0.8


def test_peruvian_dni_have_8_digits_and_are_never_shared(cases):
    dni = cases.filter((pl.col("prs_Citizenship") == "PE") & pl.col("prs_IdentityNumber").is_not_null())[
        "prs_IdentityNumber"
    ]
    assert dni.str.contains(r"^\d{8}$").all()
    assert dni.n_unique() == dni.len()


def test_the_legal_article_follows_the_2021_renumbering_of_the_penal_code(cases):
    coded = cases.filter(pl.col("legal_article") != "Other")
    before = coded.filter(pl.col("registration_date") < "2021-03-30")["legal_article"].unique().to_list()
    after = coded.filter(pl.col("registration_date") >= "2021-03-30")["legal_article"].unique().to_list()
    assert set(before) == {"CP-153", "CP-153-A"}
    assert set(after) == {"CP-129-A", "CP-129-B"}


def test_recruitment_is_at_home_and_exploitation_elsewhere_before_registration(registry_all_years, cases):
    peruvian = cases.filter(pl.col("recruitment_ubigeo").is_not_null())
    assert (peruvian["recruitment_ubigeo"] != peruvian["exploitation_ubigeo"]).all()
    events = read(registry_all_years / "events.csv").with_columns(pl.col("hte_Date").str.to_date())
    dates = events.pivot(on="hte_Type", index="source_record_id", values="hte_Date", aggregate_function="first")
    dated = dates.join(
        cases.select("source_record_id", pl.col("registration_date").str.to_date()), on="source_record_id"
    )
    assert (dated["Recruitment"] <= dated["Exploitation"]).all()
    assert (dated["Exploitation"] <= dated["registration_date"]).all()
    foreign = events.filter((pl.col("hte_Type") == "Recruitment") & (pl.col("hte_Country") != "PE"))
    assert foreign.height > 0 and foreign["ubigeo"].is_null().all()


def test_exploitation_differs_by_region(cases):
    def share(department: str, code: str) -> float:
        rows = cases.filter(pl.col("department") == department)
        return rows["vic_TypeOfExploitation"].str.contains(code).mean()

    assert share("17", "SexualExploitation") > 0.5  # mining camps of Madre de Dios
    assert share("15", "Servitude") > share("17", "Servitude")  # domestic servitude in Lima
    assert share("21", "ForcedLabour") > share("15", "ForcedLabour")  # mining in Puno


def test_every_row_says_synthetic(registry_all_years):
    for name in ("cases.csv", "perpetrators.csv", "events.csv"):
        assert (read(registry_all_years / name)["synthetic"] == "true").all(), name
