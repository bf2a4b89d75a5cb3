"""Reads for releases: the cases of a year as a release sees them, the budget a year has spent."""

import polars as pl
from django.db.models import Sum

from amparo.registry.models import Case
from amparo.release.domain.cases import case_table
from amparo.release.models import Release
from amparo.stats import snapshot


def release_case_table(year: int) -> pl.DataFrame:
    """One row per case registered in `year`, from the statistics snapshot (release.domain.cases)."""
    current = snapshot.current()
    cases = current.cases.filter(pl.col("year").cast(pl.String) == str(year))
    ids = cases["id"].implode()
    return case_table(
        cases,
        current.exploitation.filter(pl.col("id").is_in(ids)),
        current.relationships.filter(pl.col("id").is_in(ids)),
    )


def epsilon_spent(year: int) -> float:
    """What every release of `year` has spent: its ledger."""
    return Release.objects.filter(year=year).aggregate(total=Sum("epsilon_spent"))["total"] or 0.0


def year_has_synthetic_cases(year: int) -> bool:
    """Whether a release of `year` is made from synthetic cases, so everything shown from it says so."""
    return Case.objects.filter(registration_date__year=year, is_synthetic=True).exists()


def release_list():
    return Release.objects.select_related("approval", "created_by", "approval__approved_by")


def published_releases() -> list[Release]:
    """The latest approved release of each year, newest year first: all the public site shows."""
    latest: dict[int, Release] = {}
    for release in Release.objects.filter(approval__isnull=False).order_by("-created_at", "-pk"):
        latest.setdefault(release.year, release)
    return [latest[year] for year in sorted(latest, reverse=True)]


def published_release(year: int) -> Release | None:
    return next((r for r in published_releases() if r.year == year), None)
