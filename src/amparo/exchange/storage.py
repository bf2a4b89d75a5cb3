"""Store normalised cases in the registry: new ones in bulk, changed ones in place.

On SQLite, new cases go in by `executemany` on whole columns inside the import's
transaction, with no ORM object per row; elsewhere, and whenever asked, through
`registry.services.cases_register`. Both write the same rows: the derived place
and family flag come from `registry.records.case_place` and `family_facilitated`
(called once per distinct place or perpetrator set), identities are sealed with the same
field code, and tests compare the two paths table by table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing, contextmanager
from functools import lru_cache

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from amparo.core import crypto
from amparo.exchange.domain.cases_frame import EVENTS, record_of
from amparo.registry import services as registry_services
from amparo.registry.models import Case, CaseCode, Organisation, Perpetrator, Person, PersonIdentity, TraffickingEvent
from amparo.registry.records import EventRecord, PerpetratorRecord, case_place, family_facilitated

CHUNK = 50_000
# Rows per INSERT: a million cases stored fastest with 500 (fifty: 25-40% slower; 3,000: slower again).
ROWS_PER_STATEMENT = 500
PLACE_COLUMNS = ("department_code", "province_code", "district_code")
IDENTITY_COLUMNS = ("first_name", "second_name", "birthdate", "identity_number", "identity_number_hash")
SQLITE_CACHE_KIB = 256 * 1024
CODE_FIELDS = (
    (CaseCode.Field.EXPLOITATION, "exploitation_types"),
    (CaseCode.Field.CONTROL, "control_methods"),
    (CaseCode.Field.RECRUITMENT, "recruitment_methods"),
    (CaseCode.Field.SEX_EXPLOITATION, "sex_exploitation_types"),
)


def _prep(model, field_name: str, value):
    return model._meta.get_field(field_name).get_db_prep_save(value, connection)


def insert_rows(model, columns: Mapping[str, list], constants: dict | None = None) -> None:
    """Insert whole columns (name -> list of values, all of one length), many rows per INSERT.

    One statement per row would pay the statement's set-up for every row (on SQLite that includes building
    the lists of the CHECK constraints' IN clauses), which costs more than the row itself. `constants`
    (column -> value) are the same in every row: on SQLite they are bound once per statement, by number.
    The columns are interleaved into one flat list by slice assignment, so no tuple is built per row.
    """
    constants = dict(constants or {})
    rows = len(next(iter(columns.values()), []))
    if connection.vendor != "sqlite":
        columns = {**columns, **{name: [value] * rows for name, value in constants.items()}}
        constants = {}
    width = len(columns)
    values: list = [None] * (rows * width)
    for position, column in enumerate(columns.values()):
        values[position::width] = column
    per = max(1, min(ROWS_PER_STATEMENT, (_parameter_limit() - len(constants)) // width))
    full = (rows - rows % per) * width
    shared = tuple(constants.values())
    names, constant_names, step = tuple(columns), tuple(constants), per * width
    # Numbered parameters (constants) are SQLite's own syntax, which Django's cursor cannot log when it
    # records queries (DEBUG, tests): the driver's cursor runs them, in the same transaction.
    with closing(connection.connection.cursor()) if constants else connection.cursor() as cursor:
        if full:
            cursor.executemany(_insert_sql(model._meta.db_table, names, constant_names, per),
                               ((*values[start:start + step], *shared) for start in range(0, full, step)))
        if full < len(values):
            cursor.execute(_insert_sql(model._meta.db_table, names, constant_names, rows % per),
                           (*values[full:], *shared))


def _parameter_limit() -> int:
    """How many values one statement may bind.

    Django states SQLite's historical limit of 999; the library in use states its own (250,000 in SQLite
    3.40), and more rows per statement means fewer rebuilds of the CHECK constraints' IN lists.
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 65_535  # PostgreSQL's protocol limit


@lru_cache(maxsize=64)
def _insert_sql(table: str, columns: tuple[str, ...], constants: tuple[str, ...], rows: int) -> str:
    """The INSERT of `rows` rows (built once per shape: a million cases reuse a few shapes thousands of times)."""
    table = connection.ops.quote_name(table)
    names = ", ".join(connection.ops.quote_name(c) for c in [*columns, *constants])
    if not constants:
        values = ["(" + ", ".join(["%s"] * len(columns)) + ")"] * rows
    else:
        width, shared = len(columns), rows * len(columns)
        tail = "".join(f", ?{shared + 1 + i}" for i in range(len(constants)))
        values = ["(" + ", ".join(f"?{row * width + i + 1}" for i in range(width)) + tail + ")" for row in range(rows)]
    return f"INSERT INTO {table} ({names}) VALUES " + ", ".join(values)


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchone()[0] + 1


def _event_places(frame: pl.DataFrame, prefix: str, event_type: str) -> pl.DataFrame:
    """case_place of each row's single event of one type, called once per distinct place."""
    on = [f"{prefix}_ubigeo", f"{prefix}_country"]
    keys = frame.select(on).unique()
    places = pl.DataFrame([case_place([EventRecord(event_type, u, c or "PE")]) if (u or c) else ("", "", "")
                           for u, c in keys.iter_rows()], schema=PLACE_COLUMNS, orient="row")
    return frame.select(on).join(keys.hstack(places), on=on, how="left",
                                 maintain_order="left").select(PLACE_COLUMNS)


def derived_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Department, province, district and family-facilitated flag of each row, by the registry's own rules.

    case_place ranks an exploitation event before a recruitment one, so the place of a row is its
    exploitation's place when that has one, its recruitment's otherwise (tests check this against
    case_place on both events); case_place itself is called once per distinct place.
    """
    (exploitation_prefix, exploitation_type), (recruitment_prefix, recruitment_type) = EVENTS
    exploitation = _event_places(frame, exploitation_prefix, exploitation_type)
    recruitment = _event_places(frame, recruitment_prefix, recruitment_type)
    has_exploitation = exploitation["department_code"] != ""
    families = frame.select("relationships", "in_household").unique()
    families = families.with_columns(pl.Series("family_facilitated", [
        family_facilitated([PerpetratorRecord(r, h) for r in rels]) for rels, h in families.iter_rows()], dtype=pl.Boolean))
    flags = frame.select("relationships", "in_household").join(
        families, on=["relationships", "in_household"], how="left", maintain_order="left", nulls_equal=True)
    return pl.DataFrame([exploitation[c].zip_with(has_exploitation, recruitment[c]) for c in PLACE_COLUMNS]
                        + [flags["family_facilitated"]])


def _seal_column(values: list[str]) -> list[str]:
    return [crypto.seal(v) if v else "" for v in values]


def cases_insert_columnar(frame: pl.DataFrame, *, source: Organisation, owner=None, is_synthetic: bool = False) -> list[int]:
    """Insert new cases (a normalised frame) with executemany; returns their ids in frame order."""
    n = frame.height
    if n == 0:
        return []
    now = _prep(Case, "created_at", timezone.now())
    person_ids = list(range(_next_id(Person), _next_id(Person) + n))
    case_ids = list(range(_next_id(Case), _next_id(Case) + n))
    insert_rows(Person, {"id": person_ids, **_victim_values(frame)}, {"is_synthetic": is_synthetic})
    _identities_insert(frame, person_ids)
    insert_rows(Case, {"id": case_ids, "victim_id": person_ids, "source_record_id": frame["source_record_id"].to_list(),
                       **_case_values(frame, derived_columns(frame))}, {
        "source_organisation_id": source.pk, "is_synthetic": is_synthetic, "owner_id": owner.pk if owner else None,
        "created_at": now, "updated_at": now, "version": 1})
    _parts_insert(frame, case_ids)
    return case_ids


def _victim_values(frame: pl.DataFrame) -> dict[str, list]:
    return {"gender": frame["gender"].to_list(), "citizenship": frame["citizenship"].str.to_uppercase().to_list()}


def _identity_values(frame: pl.DataFrame) -> pl.DataFrame:
    """The sealed identity columns of each row (empty where the row gives none) and whether it gives any."""
    birth = frame["birthdate"].cast(pl.String).fill_null("")
    numbers = frame["identity_number"].to_list()
    return pl.DataFrame({
        "first_name": _seal_column(frame["first_name"].to_list()),
        "second_name": _seal_column(frame["second_name"].to_list()),
        "birthdate": _seal_column(birth.to_list()), "identity_number": _seal_column(numbers),
        "identity_number_hash": [crypto.lookup_hash(v) if v else "" for v in numbers],
        "given": ((frame["first_name"] != "") | (frame["second_name"] != "") | (birth != "")
                  | (frame["identity_number"] != "")),
    }, schema={**dict.fromkeys(IDENTITY_COLUMNS, pl.String), "given": pl.Boolean})


def _identities_insert(frame: pl.DataFrame, person_ids: list[int]) -> None:
    """The identities of the rows that give any identifying field, for new people."""
    given = _identity_values(frame).with_columns(person_id=pl.Series(person_ids)).filter("given")
    if given.height:
        insert_rows(PersonIdentity, given.select("person_id", *IDENTITY_COLUMNS).to_dict(as_series=False),
                    {"address": "", "phone": ""})


def _case_values(frame: pl.DataFrame, derived: pl.DataFrame) -> dict[str, list]:
    """The case columns a row sets, with its derived place and family-facilitated flag."""
    return {
        "registration_date": frame["registration_date"].cast(pl.String).to_list(),
        "status": frame["status"].to_list(), "trafficking_status": frame["trafficking_status"].to_list(),
        "trafficking_status_decision_org": frame["decision_org"].to_list(),
        "forced_labour_industry": frame["forced_labour_industry"].to_list(),
        "age_when_trafficked": frame["age"].to_list(), "organised_network": frame["organised_network"].to_list(),
        "legal_article": frame["legal_article"].to_list(),
        **{column: derived[column].to_list() for column in (*PLACE_COLUMNS, "family_facilitated")},
    }


def _parts_insert(frame: pl.DataFrame, case_ids: list[int]) -> None:
    """The codes, perpetrators and events of each row, for the case of the same position in `case_ids`."""
    ids = pl.Series("case_id", case_ids)
    code_rows = []
    for field, column in CODE_FIELDS:
        exploded = pl.DataFrame({"case_id": ids, "code": frame[column]}).explode("code", empty_as_null=True).drop_nulls("code")
        code_rows.append(exploded.with_columns(pl.lit(str(field)).alias("field")))
    codes = pl.concat(code_rows).sort("case_id", maintain_order=True)
    insert_rows(CaseCode, codes.select("case_id", "field", "code").to_dict(as_series=False))

    roles = _prep(Perpetrator, "roles", [])
    perpetrators = pl.DataFrame({"case_id": ids, "relationship": frame["relationships"],
                                 "household": frame["in_household"]}).explode("relationship", empty_as_null=True).drop_nulls("relationship")
    insert_rows(Perpetrator, perpetrators.select("case_id", "relationship", pl.col("household").alias(
        "lives_in_household")).to_dict(as_series=False), {"person_id": None, "roles": roles})

    event_rows = []
    for prefix, event_type in EVENTS:
        part = pl.DataFrame({"case_id": ids, "ubigeo": frame[f"{prefix}_ubigeo"], "country": frame[f"{prefix}_country"],
                             "date": frame[f"{prefix}_date"].cast(pl.String), "order": len(event_rows)})
        part = part.filter((pl.col("ubigeo") != "") | (pl.col("country") != ""))
        event_rows.append(part.with_columns(pl.lit(event_type).alias("event_type"),
                                            pl.col("country").replace("", "PE")))
    events = pl.concat(event_rows).sort(["case_id", "order"])
    insert_rows(TraffickingEvent, events.select("case_id", "event_type", "country", "ubigeo", "date").to_dict(
        as_series=False), {"description": ""})


def cases_insert_orm(frame: pl.DataFrame, *, source: Organisation, owner=None, is_synthetic: bool = False) -> list[int]:
    records = [record_of(row) for row in frame.iter_rows(named=True)]
    cases = registry_services.cases_register(records=records, source=source, owner=owner, is_synthetic=is_synthetic)
    return [case.pk for case in cases]


def cases_insert(frame: pl.DataFrame, *, source: Organisation, owner=None, is_synthetic: bool = False,
                 columnar: bool | None = None) -> list[int]:
    """New cases, by the columnar path on SQLite (unless `columnar=False`), by the registry service otherwise."""
    if columnar is None:
        columnar = connection.vendor == "sqlite"
    insert = cases_insert_columnar if columnar else cases_insert_orm
    ids: list[int] = []
    for start in range(0, frame.height, CHUNK):
        ids += insert(frame.slice(start, CHUNK), source=source, owner=owner, is_synthetic=is_synthetic)
    registry_services.registry_changed()
    return ids


@contextmanager
def large_page_cache():
    """Keep the indexes being filled in memory while a bulk import stores (SQLite, this connection only).

    It covers the provenance written after the cases too: with SQLite's default 2 MB cache, the
    provenance of a million cases took 8.8 s to insert, 5.6 s with this one."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


@transaction.atomic
def cases_update(frame: pl.DataFrame, case_ids: list[int]) -> None:
    """Replace the content of existing cases with the rows' (in frame order), in bulk on every backend.

    A source may send its whole registry again, every row corrected, so this works on whole columns
    like the insert: one case at a time took 9 ms a case. What an import does not carry stays:
    perpetrators linked to a person (recorded in casework), the victim's address and phone, and any
    identifying field the row leaves empty (a file without identities never erases them).
    """
    for start in range(0, frame.height, CHUNK):
        _cases_update_chunk(frame.slice(start, CHUNK), case_ids[start:start + CHUNK])
    if case_ids:
        registry_services.registry_changed()


def _cases_update_chunk(frame: pl.DataFrame, case_ids: list[int]) -> None:
    victims = dict(_in_chunks(f"SELECT id, victim_id FROM {_table(Case)} WHERE id IN", case_ids))
    victim_ids = [victims[case_id] for case_id in case_ids]
    people = _victim_values(frame)
    _execute_many(f"UPDATE {_table(Person)} SET gender = %s, citizenship = %s WHERE id = %s",
                  zip(people["gender"], people["citizenship"], victim_ids))

    given = _identity_values(frame).with_columns(person_id=pl.Series(victim_ids)).filter("given")
    stored = {person for (person,) in _in_chunks(
        f"SELECT person_id FROM {_table(PersonIdentity)} WHERE person_id IN", given["person_id"].to_list())}
    known = given["person_id"].is_in(list(stored))
    if (~known).any():
        insert_rows(PersonIdentity, given.filter(~known).select("person_id", *IDENTITY_COLUMNS).to_dict(as_series=False),
                    {"address": "", "phone": ""})
    keep_unless_given = ", ".join(f"{c} = COALESCE(NULLIF(%s, ''), {c})" for c in map(_column, IDENTITY_COLUMNS))
    _execute_many(f"UPDATE {_table(PersonIdentity)} SET {keep_unless_given} WHERE person_id = %s",
                  given.filter(known).select(*IDENTITY_COLUMNS, "person_id").iter_rows())

    for model, only in ((CaseCode, ""), (Perpetrator, " person_id IS NULL AND"), (TraffickingEvent, "")):
        _in_chunks(f"DELETE FROM {_table(model)} WHERE{only} case_id IN", case_ids)
    _parts_insert(frame, case_ids)

    derived = derived_columns(frame).with_columns(_family_flags(case_ids))
    values = _case_values(frame, derived)
    now = _prep(Case, "updated_at", timezone.now())
    assignments = ", ".join(f"{_column(column)} = %s" for column in values)
    _execute_many(f"UPDATE {_table(Case)} SET {assignments}, updated_at = %s, version = version + 1 WHERE id = %s",
                  ((*row, now, case_id) for *row, case_id in zip(*values.values(), case_ids)))


def _family_flags(case_ids: list[int]) -> pl.Series:
    """Each case's family-facilitated flag from all its stored perpetrators (the rule runs once per distinct set)."""
    rows = _in_chunks(f"SELECT case_id, relationship, lives_in_household FROM {_table(Perpetrator)} WHERE case_id IN",
                      case_ids)
    stored = pl.DataFrame(rows, schema={"case_id": pl.Int64, "relationship": pl.String, "household": pl.Boolean},
                          orient="row", strict=False).sort("case_id", "relationship", "household")
    sets = stored.group_by("case_id").agg("relationship", "household")
    flags = sets.select("relationship", "household").unique()
    flags = flags.with_columns(pl.Series("family_facilitated", [
        family_facilitated([PerpetratorRecord(r, h) for r, h in zip(relationships, households)])
        for relationships, households in flags.iter_rows()], dtype=pl.Boolean))
    per_case = sets.join(flags, on=["relationship", "household"], how="left", nulls_equal=True)
    return pl.DataFrame({"case_id": case_ids}).join(per_case, on="case_id", how="left", maintain_order="left")[
        "family_facilitated"].fill_null(False)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(name: str) -> str:
    return connection.ops.quote_name(name)


def _execute_many(sql: str, rows) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(rows))


def _in_chunks(sql_before_list: str, values: list) -> list[tuple]:
    """Run `... IN (values)` in as few statements as the backend allows; the rows of a SELECT, if any."""
    rows: list[tuple] = []
    per = _parameter_limit()
    with connection.cursor() as cursor:
        for start in range(0, len(values), per):
            part = values[start:start + per]
            cursor.execute(f"{sql_before_list} ({', '.join(['%s'] * len(part))})", part)
            if cursor.description:
                rows += cursor.fetchall()
    return rows
