"""Synthetic registries written once per test session, to be counted independently with Polars."""

import io
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.utils import translation

RELATIVES = {
    "parent",
    "step_parent",
    "sibling",
    "grandparent",
    "uncle_aunt",
    "other_relative",
}  # hand-written, on purpose


def read(path: Path) -> pl.DataFrame:
    """Every column as text, so ubigeo and DNI keep their leading zeros."""
    return pl.read_csv(path, infer_schema=False)


@pytest.fixture(scope="session")
def registry_2010(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth-2010")
    call_command("synth", years="2010", out=str(out), load=False, sources="police,prosecutor,ngo", stdout=io.StringIO())
    return out


@pytest.fixture(scope="session")
def registry_all_years(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth-all")
    call_command("synth", out=str(out), load=False, stdout=io.StringIO())
    return out


def family_facilitated_ids(perpetrators: pl.DataFrame) -> set[str]:
    """Cases with a relative or a household member among the perpetrators, counted from the CSV alone."""
    flagged = perpetrators.filter(
        pl.col("recruiter_relationship").is_in(sorted(RELATIVES)) | (pl.col("lives_in_household") == "true")
    )
    return set(flagged["source_record_id"].to_list())


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, the source language (the site's default is Spanish)."""
    with translation.override("en"):
        yield
