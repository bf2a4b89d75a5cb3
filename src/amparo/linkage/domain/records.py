"""The records to link, and the comparable features derived from them.

A record is one victim as one source registered them. The frame handed to the
linkage has RECORD_SCHEMA's columns; `features` adds what the comparisons and
blocking rules read: name tokens and keys, the birth date in the shapes a
registrar may have swapped, the birth years an age implies, a clean identity
number. Everything stays in memory.
"""

from datetime import date

import polars as pl

from amparo.core.names import name_tokens, phonetic

RECORD_SCHEMA = {
    "unique_id": pl.Int64,
    "source": pl.String,
    "given_names": pl.String,
    "surnames": pl.String,
    "birth_date": pl.Date,
    "identity_number": pl.String,
    "sex": pl.String,
    "age": pl.Int64,  # age when trafficked, as the source recorded it
    "registration_date": pl.Date,
    "department": pl.String,
}
# The age is the age when trafficked, at most about a year before registration: the birth year lies
# from this many years before (registration year - age) up to that year itself.
AGE_YEAR_SLACK = 2
IDENTITY_NUMBER_DIGITS = (7, 12)


class InvalidRecords(ValueError):
    """The frame to link is missing a column or holds a value of the wrong kind."""


def records_frame(rows: list[dict]) -> pl.DataFrame:
    """A frame of RECORD_SCHEMA from dictionaries (missing keys are empty)."""
    return pl.DataFrame([{name: row.get(name) for name in RECORD_SCHEMA} for row in rows], schema=RECORD_SCHEMA)


def check_records(records: pl.DataFrame) -> None:
    missing = [name for name in RECORD_SCHEMA if name not in records.columns]
    if missing:
        raise InvalidRecords(
            f"the records lack the column(s) {', '.join(missing)}; expected {', '.join(RECORD_SCHEMA)}"
        )
    for name, dtype in RECORD_SCHEMA.items():
        if records.schema[name] != dtype:
            raise InvalidRecords(f"column {name} is {records.schema[name]}, expected {dtype}")
    if records["unique_id"].null_count() or records["unique_id"].n_unique() != records.height:
        duplicated = records.filter(pl.col("unique_id").is_duplicated() | pl.col("unique_id").is_null())
        raise InvalidRecords(
            f"unique_id must be unique and present; {duplicated.height} rows are not "
            f"(first: {duplicated['unique_id'][0]!r})"
        )


def _name_features(values: pl.Series, prefix: str) -> pl.DataFrame:
    """Token lists and keys of each distinct name, computed once per distinct spelling."""
    distinct = values.unique().drop_nulls().to_list()
    tokens = [name_tokens(value) for value in distinct]
    return pl.DataFrame(
        {
            "raw": distinct,
            f"{prefix}_tokens": tokens,
            f"{prefix}_phonetic_tokens": [[phonetic(t) for t in words] for words in tokens],
        },
        schema={
            "raw": pl.String,
            f"{prefix}_tokens": pl.List(pl.String),
            f"{prefix}_phonetic_tokens": pl.List(pl.String),
        },
    )


def _joined(column: str) -> pl.Expr:
    """Tokens joined by a space; null when there are none."""
    joined = pl.col(column).list.join(" ")
    return pl.when(joined == "").then(None).otherwise(joined)


def features(records: pl.DataFrame) -> pl.DataFrame:
    """The records with the columns the comparisons read (see comparisons.py)."""
    check_records(records)
    given = _name_features(records["given_names"], "given")
    surname = _name_features(records["surnames"], "surname")
    frame = (
        records.join(given, left_on="given_names", right_on="raw", how="left")
        .join(surname, left_on="surnames", right_on="raw", how="left")
        .with_columns(
            pl.col(c).fill_null([])
            for c in ("given_tokens", "given_phonetic_tokens", "surname_tokens", "surname_phonetic_tokens")
        )
    )
    digits = pl.col("identity_number").str.replace_all(r"\D", "")
    low, high = IDENTITY_NUMBER_DIGITS
    # Placeholders (one digit repeated, as 00000000) and numbers of the wrong length are no number.
    usable_number = digits.str.len_chars().is_between(low, high) & (
        digits.str.strip_chars(digits.str.slice(0, 1)) != ""
    )
    born = pl.col("birth_date")
    implied_high = pl.col("registration_date").dt.year().cast(pl.Int64) - pl.col("age")
    return frame.with_columns(
        given_key=_joined("given_tokens"),
        given_first=pl.col("given_tokens").list.first(),
        given_phonetic_first=pl.col("given_phonetic_tokens").list.first(),
        given_phonetic_last=pl.col("given_phonetic_tokens").list.last(),
        surname_key=_joined("surname_tokens"),
        surname_sorted=pl.col("surname_tokens").list.sort().list.join(" ").replace("", None),
        surname_concat=pl.col("surname_tokens").list.join("").replace("", None),
        surname_first=pl.col("surname_tokens").list.first(),
        surname_last=pl.col("surname_tokens").list.last(),
        surname_phonetic_first=pl.col("surname_phonetic_tokens").list.first(),
        surname_phonetic_last=pl.col("surname_phonetic_tokens").list.last(),
        surname_phonetic_sorted=pl.col("surname_phonetic_tokens").list.sort().list.join(" ").replace("", None),
        birth_ymd=born.dt.strftime("%Y-%m-%d"),
        birth_ydm=born.dt.strftime("%Y-%d-%m"),
        birth_ym=born.dt.strftime("%Y-%m"),
        birth_yd=born.dt.strftime("%Y-%d"),
        birth_md=born.dt.strftime("%m-%d"),
        birth_year=born.dt.year().cast(pl.Int64),
        birth_day_number=(born - pl.lit(date(1900, 1, 1))).dt.total_days(),
        registration_day_number=(pl.col("registration_date") - pl.lit(date(1900, 1, 1))).dt.total_days(),
        registration_year=pl.col("registration_date").dt.year().cast(pl.Int64),
        birth_year_low=pl.when(born.is_not_null())
        .then(born.dt.year().cast(pl.Int64))
        .otherwise(implied_high - AGE_YEAR_SLACK),
        birth_year_high=pl.when(born.is_not_null()).then(born.dt.year().cast(pl.Int64)).otherwise(implied_high),
        identity_number=pl.when(usable_number).then(digits).otherwise(None),
        # The same digits in any order: two of them swapped still block together.
        identity_digits_sorted=pl.when(usable_number).then(digits.str.split("").list.sort().list.join("")),
        sex=pl.col("sex").replace("", None),
        department=pl.col("department").replace("", None),
    )
