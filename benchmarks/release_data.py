"""A table of synthetic cases for the release benchmark and tests, without a database.

The calibrated generator of `amparo synth` draws the cases; they are turned
into the statistics snapshot's frames (as the registry would store them:
department from case_place, family facilitation from the perpetrators) and
then into the release's case table by the same function a release uses.
"""

import random

import polars as pl

from amparo.registry.records import case_place, family_facilitated
from amparo.release.domain.cases import case_table
from amparo.synth.domain.generator import SynthOptions, cases_in_year, generate

# The benchmark's six quasi-identifiers (and the synthesiser's six columns).
SIX_COLUMNS = ("sex", "age", "citizenship", "department", "recruiter_relationship_group", "exploitation")


def _scale_for(rows: int, first_year: int, last_year: int) -> float:
    """The generator's scale that gives at least `rows` cases over these years."""
    years = range(first_year, last_year + 1)
    scale = 0.05
    while sum(cases_in_year(year, scale) for year in years) < rows:
        scale *= 1.25
    return scale


def synthetic_case_table(rows: int, seed: int = 2010, first_year: int = 2011, last_year: int = 2025) -> pl.DataFrame:
    """`rows` synthetic cases drawn at random from the generator's years, as a release case table."""
    options = SynthOptions(
        seed=seed, first_year=first_year, last_year=last_year, scale=_scale_for(rows, first_year, last_year)
    )
    drawn = random.Random(seed).sample(generate(options), rows)
    cases, exploitation, relationships = [], [], []
    for number, synthetic in enumerate(drawn):
        record = synthetic.record
        department, _, _ = case_place(record.events)
        cases.append(
            {
                "id": number,
                "year": str(synthetic.year),
                "department_code": department,
                "age": record.age_when_trafficked,
                "gender": record.victim.gender,
                "citizenship": record.victim.citizenship,
                "family_facilitated": family_facilitated(record.perpetrators),
            }
        )
        exploitation += [{"id": number, "code": code} for code in record.exploitation_types]
        relationships += [{"id": number, "code": p.relationship} for p in record.perpetrators]
    schema = {"id": pl.Int64, "code": pl.String}
    return case_table(
        pl.DataFrame(cases),
        pl.DataFrame(exploitation, schema=schema),
        pl.DataFrame(relationships, schema=schema).unique(),
    )
