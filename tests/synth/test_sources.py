"""The multi-source output: the same victims by several sources, with discrepancies and the ground truth."""

import unicodedata

import polars as pl
import pytest

from tests.synth.conftest import read

SOURCES = ("police", "prosecutor", "ngo")


@pytest.fixture(scope="module")
def primary(registry_2010):
    return read(registry_2010 / "cases.csv")


@pytest.fixture(scope="module")
def reported(registry_2010):
    return pl.concat([read(registry_2010 / "sources" / s / "cases.csv") for s in SOURCES])


@pytest.fixture(scope="module")
def truth(registry_2010):
    return read(registry_2010 / "sources" / "ground_truth.csv")


@pytest.fixture(scope="module")
def pairs(primary, reported, truth):
    """Each source record beside the true person's primary record."""
    columns = ["source_record_id", "prs_FirstName", "prs_SecondName", "prs_IdentityNumber", "prs_Birthdate"]
    return reported.join(truth.select("source_record_id", "primary_source_record_id"), on="source_record_id").join(
        primary.select(columns), left_on="primary_source_record_id", right_on="source_record_id", suffix="_true"
    )


def _plain(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def test_every_source_record_names_its_true_person_in_the_ground_truth(reported, truth):
    assert reported.height == truth.height
    joined = reported.join(truth, on="source_record_id", suffix="_truth")
    assert joined.height == reported.height
    assert (joined["person_key"] == joined["person_key_truth"]).all()
    assert (joined["source"] == joined["source_truth"]).all()


def test_one_person_key_is_one_primary_victim_and_every_victim_is_reported(primary, truth):
    keys = truth.select("person_key", "primary_source_record_id").unique()
    assert keys["person_key"].n_unique() == keys.height == keys["primary_source_record_id"].n_unique()
    assert set(keys["primary_source_record_id"].to_list()) == set(primary["source_record_id"].to_list())


def test_many_victims_are_reported_by_several_sources(reported):
    sources_per_person = reported.group_by("person_key").agg(pl.col("source").n_unique().alias("n"))
    assert sources_per_person.filter(pl.col("n") >= 2).height > 253 / 3
    assert set(reported["source"].unique().to_list()) == set(SOURCES)


def test_sources_use_their_own_identifiers(reported, primary):
    assert reported["source_record_id"].n_unique() == reported.height
    assert not set(reported["source_record_id"].to_list()) & set(primary["source_record_id"].to_list())


def test_names_differ_by_typos_swaps_and_dropped_accents(pairs):
    differs = pairs.filter(pl.col("prs_SecondName") != pl.col("prs_SecondName_true"))
    assert differs.height > 0
    rows = list(differs.select("prs_SecondName", "prs_SecondName_true").iter_rows())
    swapped = [r for r in rows if r[0].split() == list(reversed(r[1].split())) and r[0] != r[1]]
    accents_or_case = [r for r in rows if _plain(r[0]) == _plain(r[1])]
    typos = [r for r in rows if sorted(_plain(r[0]).split()) != sorted(_plain(r[1]).split())]
    assert swapped and accents_or_case and typos


def test_some_dni_are_missing_or_mistyped(pairs):
    had = pairs.filter(pl.col("prs_IdentityNumber_true").is_not_null())
    missing = had.filter(pl.col("prs_IdentityNumber").is_null())
    mistyped = had.filter(
        pl.col("prs_IdentityNumber").is_not_null() & (pl.col("prs_IdentityNumber") != pl.col("prs_IdentityNumber_true"))
    )
    assert missing.height > 0 and mistyped.height > 0
    assert (mistyped["prs_IdentityNumber"].str.len_chars() == mistyped["prs_IdentityNumber_true"].str.len_chars()).all()


def test_some_birth_dates_are_off_by_a_day_or_a_month(pairs):
    dated = pairs.filter(pl.col("prs_Birthdate").is_not_null()).with_columns(
        gap=(pl.col("prs_Birthdate").str.to_date() - pl.col("prs_Birthdate_true").str.to_date()).dt.total_days().abs()
    )
    gaps = set(dated["gap"].to_list())
    assert 1 in gaps
    assert gaps & set(range(28, 32))
    assert gaps <= {0, 1} | set(range(28, 32))


def test_ground_truth_lists_the_discrepancies_it_made(pairs, truth):
    joined = pairs.join(truth.select("source_record_id", "discrepancies"), on="source_record_id")
    flagged = joined.filter(pl.col("discrepancies").fill_null("").str.contains("missing_dni"))
    assert flagged.height > 0
    assert flagged["prs_IdentityNumber"].is_null().all()
    clean = joined.filter(pl.col("discrepancies").is_null())
    assert clean.height > 0
    assert (clean["prs_SecondName"] == clean["prs_SecondName_true"]).all()
    assert (clean["prs_FirstName"] == clean["prs_FirstName_true"]).all()


def test_source_files_are_labelled_synthetic(registry_2010):
    for path in (registry_2010 / "sources").rglob("*.csv"):
        frame = read(path)
        assert (frame["synthetic"] == "true").all(), path


def test_a_source_sometimes_registers_the_same_victim_twice(reported):
    twice = reported.group_by("source", "person_key").len().filter(pl.col("len") > 1)
    assert twice.height > 0
    assert twice["len"].max() == 2
