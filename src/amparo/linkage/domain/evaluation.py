"""How close a linkage comes to the truth: pairwise precision, recall and F1, and the count of people.

The truth comes from `amparo synth`'s sources, which know which reports are one person.
"""

from dataclasses import dataclass

import polars as pl

from amparo.linkage.domain.records import records_frame
from amparo.registry.records import case_place
from amparo.synth.domain import sources
from amparo.synth.domain.generator import SynthOptions, generate, parse_scale, parse_years


@dataclass(frozen=True)
class Accuracy:
    records: int
    true_people: int
    found_people: int
    true_pairs: int
    found_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def people_error(self) -> float:
        """Relative error in the number of people: +0.25 counts a quarter more people than there are."""
        return (self.found_people - self.true_people) / self.true_people


def _pairs_within(groups: pl.DataFrame, key: str) -> pl.DataFrame:
    """Every pair of records that `key` puts together, smaller id first."""
    return (
        groups.join(groups, on=key, suffix="_r")
        .filter(pl.col("unique_id") < pl.col("unique_id_r"))
        .select("unique_id", "unique_id_r")
    )


def accuracy(found: pl.DataFrame, truth: pl.DataFrame) -> Accuracy:
    """Compare clusters (unique_id, cluster_id) with the truth (unique_id, person): all pairs of
    records inside clusters, not only the pairs that were scored."""
    joined = truth.join(found, on="unique_id", how="inner")
    if joined.height != truth.height or joined.height != found.height:
        raise ValueError(
            f"the clusters cover {found.height} records and the truth {truth.height}, "
            f"{joined.height} in common: they must be the same records"
        )
    found_pairs = _pairs_within(found.select("unique_id", "cluster_id"), "cluster_id")
    true_pairs = _pairs_within(truth.select("unique_id", "person"), "person")
    return Accuracy(
        records=truth.height,
        true_people=truth["person"].n_unique(),
        found_people=found["cluster_id"].n_unique(),
        true_pairs=true_pairs.height,
        found_pairs=found_pairs.height,
        correct_pairs=found_pairs.join(true_pairs, on=["unique_id", "unique_id_r"], how="inner").height,
    )


def synthetic_records(years: str, scale: str, source_names: list[str], seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The sources' records of the synthetic victims, and the truth (unique_id, person)."""
    first, last = parse_years(years)
    cases = generate(SynthOptions(seed=seed, first_year=first, last_year=last, scale=parse_scale(scale)))
    reports = sources.reports(cases, source_names, seed)
    rows, people = [], []
    for number, report in enumerate(reports):
        record, victim = report.case.record, report.case.record.victim
        rows.append(
            {
                "unique_id": number,
                "source": report.source,
                "given_names": victim.first_name,
                "surnames": victim.second_name,
                "birth_date": victim.birthdate,
                "identity_number": victim.identity_number,
                "sex": victim.gender,
                "age": record.age_when_trafficked,
                "registration_date": record.registration_date,
                "department": case_place(record.events)[0],
            }
        )
        people.append(report.case.person_key)
    truth = pl.DataFrame(
        {"unique_id": range(len(people)), "person": people}, schema={"unique_id": pl.Int64, "person": pl.String}
    )
    return records_frame(rows), truth
