"""Synthetic cases as Polars frames in Amparo's case-file CSV format, and their CSV files.

Three files keyed by `source_record_id`: cases (one row per case), perpetrators
(one row per perpetrator) and events (one row per trafficking event). Every
row says `synthetic` = true; CSV has no room for a header comment.
"""

from pathlib import Path

import polars as pl

from amparo.synth.domain.generator import SyntheticCase
from amparo.synth.domain.sources import SourceReport

CASE_COLUMNS = (
    "source_record_id",
    "registration_date",
    "prs_Gender",
    "prs_Birthdate",
    "age",
    "prs_Citizenship",
    "prs_FirstName",
    "prs_SecondName",
    "prs_IdentityNumber",
    "vic_TraffickingStatus",
    "vic_TypeOfExploitation",
    "vic_MethodsOfControl",
    "vic_MethodOfRecruitment",
    "exploitation_ubigeo",
    "recruitment_ubigeo",
    "recruiter_relationship",
    "organised_network",
    "legal_article",
    "cas_Status",
    "source",
    "synthetic",
)
PERPETRATOR_COLUMNS = (
    "source_record_id",
    "perpetrator_number",
    "recruiter_relationship",
    "lives_in_household",
    "per_RoleInProcess",
    "prs_Gender",
    "prs_Citizenship",
    "synthetic",
)
EVENT_COLUMNS = ("source_record_id", "hte_Type", "hte_Date", "hte_Country", "ubigeo", "synthetic")
MULTI_VALUE_SEPARATOR = ";"


def _ubigeo_of(case: SyntheticCase, event_type: str) -> str:
    return next((e.ubigeo for e in case.record.events if e.event_type == event_type), "")


def _iso(value) -> str:
    return value.isoformat() if value else ""


def case_rows(cases: list[SyntheticCase]) -> dict[str, list]:
    rows: dict[str, list] = {name: [] for name in CASE_COLUMNS}
    for case in cases:
        record, victim = case.record, case.record.victim
        values = (
            record.source_record_id,
            _iso(record.registration_date),
            victim.gender,
            _iso(victim.birthdate),
            record.age_when_trafficked,
            victim.citizenship,
            victim.first_name,
            victim.second_name,
            victim.identity_number,
            record.trafficking_status,
            MULTI_VALUE_SEPARATOR.join(record.exploitation_types),
            MULTI_VALUE_SEPARATOR.join(record.control_methods),
            MULTI_VALUE_SEPARATOR.join(record.recruitment_methods),
            _ubigeo_of(case, "Exploitation"),
            _ubigeo_of(case, "Recruitment"),
            record.perpetrators[0].relationship if record.perpetrators else "",
            record.organised_network,
            record.legal_article,
            record.status,
            case.source,
            True,
        )
        for name, value in zip(CASE_COLUMNS, values):
            rows[name].append(value)
    return rows


def cases_frame(cases: list[SyntheticCase]) -> pl.DataFrame:
    schema = dict.fromkeys(CASE_COLUMNS, pl.String) | {"age": pl.Int64, "synthetic": pl.Boolean}
    return pl.DataFrame(case_rows(cases), schema=schema)


def perpetrators_frame(cases: list[SyntheticCase]) -> pl.DataFrame:
    rows = [
        (
            case.record.source_record_id,
            number,
            p.relationship,
            p.lives_in_household,
            MULTI_VALUE_SEPARATOR.join(p.roles),
            p.person.gender if p.person else "",
            p.person.citizenship if p.person else "",
            True,
        )
        for case in cases
        for number, p in enumerate(case.record.perpetrators, start=1)
    ]
    schema = dict.fromkeys(PERPETRATOR_COLUMNS, pl.String) | {
        "perpetrator_number": pl.Int64,
        "lives_in_household": pl.Boolean,
        "synthetic": pl.Boolean,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def events_frame(cases: list[SyntheticCase]) -> pl.DataFrame:
    rows = [
        (case.record.source_record_id, e.event_type, _iso(e.date), e.country, e.ubigeo, True)
        for case in cases
        for e in case.record.events
    ]
    schema = dict.fromkeys(EVENT_COLUMNS, pl.String) | {"synthetic": pl.Boolean}
    return pl.DataFrame(rows, schema=schema, orient="row")


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    """UTF-8 CSV where a missing value is an empty cell, never a quoted empty string."""
    frame.with_columns(pl.col(pl.String).replace("", None)).write_csv(path)


def write_case_files(
    cases: list[SyntheticCase], directory: Path, extra_case_columns: dict[str, list] | None = None
) -> list[Path]:
    """Write cases.csv, perpetrators.csv and events.csv; extra columns go after `synthetic` in cases.csv."""
    directory.mkdir(parents=True, exist_ok=True)
    frame = cases_frame(cases)
    if extra_case_columns:
        frame = frame.with_columns(
            pl.Series(name, values, dtype=pl.String) for name, values in extra_case_columns.items()
        )
    written = []
    for name, table in (("cases", frame), ("perpetrators", perpetrators_frame(cases)), ("events", events_frame(cases))):
        path = directory / f"{name}.csv"
        write_csv(table, path)
        written.append(path)
    return written


GROUND_TRUTH_COLUMNS = (
    "source",
    "source_record_id",
    "person_key",
    "primary_source_record_id",
    "discrepancies",
    "synthetic",
)


def ground_truth_frame(reports: list[SourceReport]) -> pl.DataFrame:
    rows = [
        (
            r.source,
            r.case.record.source_record_id,
            r.case.person_key,
            r.primary_source_record_id,
            MULTI_VALUE_SEPARATOR.join(r.slips),
            True,
        )
        for r in reports
    ]
    schema = dict.fromkeys(GROUND_TRUTH_COLUMNS, pl.String) | {"synthetic": pl.Boolean}
    return pl.DataFrame(rows, schema=schema, orient="row")


def write_source_files(reports: list[SourceReport], directory: Path) -> list[Path]:
    """sources/<source>/{cases,perpetrators,events}.csv (cases with a `person_key` column) and sources/ground_truth.csv."""
    written = []
    for source in dict.fromkeys(r.source for r in reports):
        cases = [r.case for r in reports if r.source == source]
        written += write_case_files(cases, directory / source, {"person_key": [c.person_key for c in cases]})
    truth = directory / "ground_truth.csv"
    write_csv(ground_truth_frame(reports), truth)
    return written + [truth]
