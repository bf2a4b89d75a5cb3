"""Store normalised cases in the registry: new ones in bulk, changed ones in place.

On SQLite, new cases go in by `executemany` on whole columns inside the import's
transaction, with no ORM object per row; elsewhere, and whenever asked, through
`registry.services.cases_register`. Both write the same rows: the derived place
and family flag come from `registry.records.case_place` and `family_facilitated`
(called once per distinct place or perpetrator set), identities are sealed with the same
field code, and tests compare the two paths table by table. Changed cases are
updated on whole columns too, on every backend (a few statements per 50,000 cases).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from functools import lru_cache

import polars as pl
from django.db import connection
from django.utils import timezone

from amparo.core import crypto
from amparo.registry.frames import PERSON_FIELDS, perpetrator_values, record_of
from amparo.registry import services as registry_services
from amparo.registry.models import Case, CaseCode, Organisation, Perpetrator, Person, PersonIdentity, TraffickingEvent
from amparo.registry.records import (
    PLACE_COLUMNS, PLACE_PRIORITY, EventRecord, PerpetratorRecord, case_place, family_facilitated,
)

CHUNK = 50_000
# Rows per INSERT: a million cases stored fastest with 500 (fifty: 25-40% slower; 3,000: slower again).
ROWS_PER_STATEMENT = 500
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


def _places(frame: pl.DataFrame) -> pl.DataFrame:
    """case_place of each row's events, through the one event it picks: of the events in Peru with an ubigeo,
    the lowest PLACE_PRIORITY, then the longest ubigeo, then the first (tests check this against case_place
    on all the events); case_place itself is called once per distinct event it picks."""
    events = frame.select(pl.int_range(pl.len()).alias("i"), "events").explode("events", empty_as_null=False)
    events = events.unnest("events").filter((pl.col("ubigeo") != "") & (pl.col("country") == "PE"))
    ranked = events.with_columns(
        pl.col("event_type").replace_strict(PLACE_PRIORITY, default=len(PLACE_PRIORITY)).alias("rank"),
        (-pl.col("ubigeo").str.len_chars().cast(pl.Int64)).alias("precision"))
    best = ranked.sort("i", "rank", "precision", maintain_order=True).unique("i", keep="first", maintain_order=True)
    keys = best.select("event_type", "ubigeo").unique()
    places = pl.DataFrame([case_place([EventRecord(t, u)]) for t, u in keys.iter_rows()], schema=PLACE_COLUMNS,
                          orient="row")
    best = best.join(keys.hstack(places), on=["event_type", "ubigeo"], how="left").select("i", *PLACE_COLUMNS)
    rows = frame.select(pl.int_range(pl.len()).alias("i"))
    return rows.join(best, on="i", how="left", maintain_order="left").select(
        [pl.col(c).fill_null("") for c in PLACE_COLUMNS])


def _family_flags(frame: pl.DataFrame) -> pl.Series:
    """family_facilitated of each row's perpetrators."""
    return _family_of_sets(frame.select(perpetrator_values("relationship").alias("relationships"),
                                        perpetrator_values("lives_in_household").alias("households")))


def _family_of_sets(people: pl.DataFrame) -> pl.Series:
    """family_facilitated of each row's perpetrators (lists `relationships` and `households`), called once per
    distinct set of them."""
    families = people.unique()
    families = families.with_columns(pl.Series("family_facilitated", [
        family_facilitated([PerpetratorRecord(r, h) for r, h in zip(rels, homes)])
        for rels, homes in families.iter_rows()], dtype=pl.Boolean))
    return people.join(families, on=["relationships", "households"], how="left", maintain_order="left",
                       nulls_equal=True)["family_facilitated"]


def derived_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Department, province, district and family-facilitated flag of each row, by the registry's own rules."""
    return _places(frame).with_columns(_family_flags(frame))


def _seal_column(values: list[str]) -> list[str]:
    return [crypto.seal(v) if v else "" for v in values]


def cases_insert_columnar(frame: pl.DataFrame, *, source: Organisation, owner=None, is_synthetic: bool = False) -> list[int]:
    """Insert new cases (a normalised frame) with executemany; returns their ids in frame order."""
    n = frame.height
    if n == 0:
        return []
    now = _prep(Case, "created_at", timezone.now())
    first_person, first_case = _next_id(Person), _next_id(Case)
    person_ids = list(range(first_person, first_person + n))
    case_ids = list(range(first_case, first_case + n))
    insert_rows(Person, {"id": person_ids, **_person_values(frame)}, {"is_synthetic": is_synthetic})
    _identities_insert(frame.with_columns(person_id=pl.Series(person_ids)))
    insert_rows(Case, {"id": case_ids, "victim_id": person_ids, "source_record_id": frame["source_record_id"].to_list(),
                       **_case_values(frame, derived_columns(frame))}, {
        "source_organisation_id": source.pk, "is_synthetic": is_synthetic, "owner_id": owner.pk if owner else None,
        "created_at": now, "updated_at": now, "version": 1})
    ids = pl.Series("case_id", case_ids)
    _codes_insert(frame, ids)
    _perpetrators_insert(_perpetrator_rows(frame, ids).with_columns(is_synthetic=pl.lit(is_synthetic)))
    _events_insert(frame, ids)
    return case_ids


def _person_values(people: pl.DataFrame) -> dict[str, list]:
    return {"gender": people["gender"].to_list(), "citizenship": people["citizenship"].str.to_uppercase().to_list()}


def _identity_values(people: pl.DataFrame) -> pl.DataFrame:
    """person_id and the sealed identity columns of each person (empty where none is given), and whether any is."""
    birth = people["birthdate"].cast(pl.String).fill_null("")
    numbers = people["identity_number"].to_list()
    return pl.DataFrame({
        "person_id": people["person_id"],
        "first_name": _seal_column(people["first_name"].to_list()),
        "second_name": _seal_column(people["second_name"].to_list()),
        "birthdate": _seal_column(birth.to_list()), "identity_number": _seal_column(numbers),
        "identity_number_hash": [crypto.lookup_hash(v) if v else "" for v in numbers],
        "given": ((people["first_name"] != "") | (people["second_name"] != "") | (birth != "")
                  | (people["identity_number"] != "")),
    }, schema={"person_id": pl.Int64, **dict.fromkeys(IDENTITY_COLUMNS, pl.String), "given": pl.Boolean})


def _identities_insert(people: pl.DataFrame) -> None:
    """The identities of new people (person_id and the identity fields) who have any."""
    given = _identity_values(people).filter("given")
    if given.height:
        insert_rows(PersonIdentity, given.select("person_id", *IDENTITY_COLUMNS).to_dict(as_series=False),
                    {"address": "", "phone": ""})


def _identities_update(people: pl.DataFrame) -> None:
    """Stored people's identities: each field given replaces the stored one; one left empty keeps it."""
    given = _identity_values(people).filter("given")
    stored = {person for (person,) in _in_chunks(
        f"SELECT person_id FROM {_table(PersonIdentity)} WHERE person_id IN", given["person_id"].to_list())}
    known = given["person_id"].is_in(list(stored))
    if (~known).any():
        _identities_insert(people.filter(pl.col("person_id").is_in(given.filter(~known)["person_id"].implode())))
    _execute_many(f"UPDATE {_table(PersonIdentity)} SET {_keep_unless_given(IDENTITY_COLUMNS)} WHERE person_id = %s",
                  given.filter(known).select(*IDENTITY_COLUMNS, "person_id").iter_rows())


def _case_values(frame: pl.DataFrame, derived: pl.DataFrame) -> dict[str, list]:
    """The case columns a row sets, with its derived place and family-facilitated flag."""
    return {
        "registration_date": frame["registration_date"].cast(pl.String).to_list(),
        "status": frame["status"].to_list(), "trafficking_status": frame["trafficking_status"].to_list(),
        "trafficking_status_decision_org": frame["trafficking_status_decision_org"].to_list(),
        "forced_labour_industry": frame["forced_labour_industry"].to_list(),
        "age_when_trafficked": frame["age_when_trafficked"].to_list(), "organised_network": frame["organised_network"].to_list(),
        "legal_article": frame["legal_article"].to_list(),
        **{column: derived[column].to_list() for column in (*PLACE_COLUMNS, "family_facilitated")},
    }


def _codes_insert(frame: pl.DataFrame, ids: pl.Series) -> None:
    code_rows = []
    for field, column in CODE_FIELDS:
        exploded = pl.DataFrame({"case_id": ids, "code": frame[column]}).explode("code", empty_as_null=True).drop_nulls("code")
        code_rows.append(exploded.with_columns(pl.lit(str(field)).alias("field")))
    codes = pl.concat(code_rows).sort("case_id", maintain_order=True)
    insert_rows(CaseCode, codes.select("case_id", "field", "code").to_dict(as_series=False))


def _events_insert(frame: pl.DataFrame, ids: pl.Series) -> None:
    events = frame.select(ids, "events").explode("events", empty_as_null=False).unnest("events")
    columns = events.select("case_id", "event_type", "country", "ubigeo", pl.col("date").cast(pl.String)).to_dict(
        as_series=False)
    insert_rows(TraffickingEvent, {**columns, "description": _seal_column(events["description"].to_list())})


def _perpetrator_rows(frame: pl.DataFrame, ids: pl.Series) -> pl.DataFrame:
    """One row per perpetrator of each case, with its position in the case and whether anything of its person is known."""
    rows = frame.select(ids, "perpetrators").explode("perpetrators", empty_as_null=False).unnest("perpetrators")
    known = pl.any_horizontal([pl.col(f).cast(pl.String).fill_null("") != "" for f in PERSON_FIELDS])
    return rows.with_columns(known.alias("known"), pl.int_range(pl.len()).over("case_id").alias("position"))


def _new_people(rows: pl.DataFrame) -> pl.DataFrame:
    """A new person (with its identity) for each row (person fields and is_synthetic); the rows with person_id."""
    first = _next_id(Person)
    rows = rows.with_columns(pl.int_range(first, first + rows.height, dtype=pl.Int64).alias("person_id"))
    insert_rows(Person, {"id": rows["person_id"].to_list(), **_person_values(rows),
                         "is_synthetic": rows["is_synthetic"].to_list()})
    _identities_insert(rows)
    return rows


def _roles_json(roles: pl.Series) -> list:
    """Each list of roles as the ORM stores it, prepared once per distinct list."""
    joined = roles.list.join("\x1f").to_list()
    prepared = {r: _prep(Perpetrator, "roles", r.split("\x1f") if r else []) for r in set(joined)}
    return [prepared[r] for r in joined]


def _perpetrators_insert(rows: pl.DataFrame) -> None:
    """Perpetrator rows (from _perpetrator_rows, with is_synthetic and maybe person_id) as new perpetrators,
    with a new person for each one of whom something is known and who has none yet."""
    if "person_id" not in rows.columns:
        rows = rows.with_columns(person_id=pl.lit(None, dtype=pl.Int64))
    rows = rows.with_row_index("row")
    people = _new_people(rows.filter(pl.col("known") & pl.col("person_id").is_null()))
    rows = rows.join(people.select("row", pl.col("person_id").alias("new_person")), on="row", how="left",
                     maintain_order="left").with_columns(pl.coalesce("person_id", "new_person").alias("person_id"))
    insert_rows(Perpetrator, {"case_id": rows["case_id"].to_list(), "relationship": rows["relationship"].to_list(),
                              "lives_in_household": rows["lives_in_household"].to_list(), "roles": _roles_json(rows["roles"]),
                              "person_id": rows["person_id"].to_list()})


def cases_insert_orm(frame: pl.DataFrame, *, source: Organisation, owner=None, is_synthetic: bool = False) -> list[int]:
    records = [record_of(row) for row in frame.iter_rows(named=True)]
    cases = registry_services.cases_register(records=records, source=source, owner=owner, is_synthetic=is_synthetic)
    return [case.pk for case in cases]


def cases_insert_parts(frame: pl.DataFrame, *, source: Organisation, owner=None, is_synthetic: bool = False,
                       columnar: bool | None = None) -> Iterator[tuple[pl.DataFrame, list[int]]]:
    """New cases, CHUNK rows at a time: (the rows, their new ids) after each part, so that a long import can
    show its progress. By the columnar path on SQLite (unless `columnar=False`), by the registry service
    otherwise. The caller holds the transaction."""
    if columnar is None:
        columnar = connection.vendor == "sqlite"
    insert = cases_insert_columnar if columnar else cases_insert_orm
    for start in range(0, frame.height, CHUNK):
        part = frame.slice(start, CHUNK)
        yield part, insert(part, source=source, owner=owner, is_synthetic=is_synthetic)
    registry_services.registry_changed()


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


def cases_update_parts(frame: pl.DataFrame, case_ids: list[int]) -> Iterator[pl.DataFrame]:
    """Replace the content of existing cases with the rows' (in frame order), in bulk on every backend,
    CHUNK rows at a time (each part's rows yielded once stored). The caller holds the transaction.

    A source may send its whole registry again, every row corrected, so this works on whole columns
    like the insert: one case at a time took 9 ms a case. What an import does not carry stays:
    perpetrators linked to a person (recorded in casework), the victim's address and phone, and any
    identifying field the row leaves empty (a file without identities never erases them).
    """
    for start in range(0, frame.height, CHUNK):
        part = frame.slice(start, CHUNK)
        _cases_update_chunk(part, case_ids[start:start + CHUNK])
        yield part
    if case_ids:
        registry_services.registry_changed()


def _cases_update_chunk(frame: pl.DataFrame, case_ids: list[int]) -> None:
    stored = pl.DataFrame(_in_chunks(f"SELECT id, victim_id, is_synthetic FROM {_table(Case)} WHERE id IN", case_ids),
                          schema={"case_id": pl.Int64, "victim_id": pl.Int64, "is_synthetic": pl.Boolean},
                          orient="row", strict=False)
    ids = pl.Series("case_id", case_ids)
    cases = pl.DataFrame(ids).join(stored, on="case_id", how="left", maintain_order="left")
    victims = frame.with_columns(person_id=cases["victim_id"])
    people = _person_values(victims)
    _execute_many(f"UPDATE {_table(Person)} SET gender = %s, citizenship = %s WHERE id = %s",
                  zip(people["gender"], people["citizenship"], victims["person_id"].to_list()))
    _identities_update(victims)

    for model in (CaseCode, TraffickingEvent):
        _in_chunks(f"DELETE FROM {_table(model)} WHERE case_id IN", case_ids)
    _codes_insert(frame, ids)
    _events_insert(frame, ids)
    _perpetrators_update(_perpetrator_rows(frame, ids).join(cases.select("case_id", "is_synthetic"), on="case_id",
                                                             how="left", maintain_order="left"), case_ids)

    derived = derived_columns(frame).with_columns(_stored_family_flags(case_ids))
    values = _case_values(frame, derived)
    now = _prep(Case, "updated_at", timezone.now())
    assignments = ", ".join(f"{_column(column)} = %s" for column in values)
    _execute_many(f"UPDATE {_table(Case)} SET {assignments}, updated_at = %s, version = version + 1 WHERE id = %s",
                  ((*row, now, case_id) for *row, case_id in zip(*values.values(), case_ids)))


def _perpetrators_update(rows: pl.DataFrame, case_ids: list[int]) -> None:
    """The rows' perpetrators replace their cases'. A case whose row says nothing of any perpetrator's person
    keeps the perpetrators who have one (recorded by hand in Amparo) and gets the row's others anew; a row that
    does describes them all, and they are updated in place, in order, so that each keeps its person."""
    describing = rows.filter("known")["case_id"].unique()
    named_cases = set(describing.to_list())
    plain = [case_id for case_id in case_ids if case_id not in named_cases]
    _in_chunks(f"DELETE FROM {_table(Perpetrator)} WHERE person_id IS NULL AND case_id IN", plain)
    _perpetrators_insert(rows.filter(~pl.col("case_id").is_in(describing.implode())))
    if describing.is_empty():
        return
    existing = pl.DataFrame(
        _in_chunks(f"SELECT id, case_id, person_id FROM {_table(Perpetrator)} WHERE case_id IN", describing.to_list()),
        schema={"id": pl.Int64, "case_id": pl.Int64, "person_id": pl.Int64}, orient="row",
    ).sort("case_id", "id").with_columns(pl.int_range(pl.len()).over("case_id").alias("position"))
    wanted = rows.filter(pl.col("case_id").is_in(describing.implode())).join(
        existing, on=["case_id", "position"], how="left", maintain_order="left")
    extra = existing.join(wanted, on=["case_id", "position"], how="anti")
    _in_chunks(f"DELETE FROM {_table(Perpetrator)} WHERE id IN", extra["id"].to_list())
    _perpetrators_insert(wanted.filter(pl.col("id").is_null()).drop("id"))

    kept = wanted.filter(pl.col("id").is_not_null())
    with_person = kept.filter(pl.col("person_id").is_not_null())
    people = _person_values(with_person)
    _execute_many(f"UPDATE {_table(Person)} SET {_keep_unless_given(people)} WHERE id = %s",
                  zip(*people.values(), with_person["person_id"].to_list()))
    _identities_update(with_person)
    named = _new_people(kept.filter(pl.col("known") & pl.col("person_id").is_null()))
    kept = kept.join(named.select("id", pl.col("person_id").alias("new_person")), on="id", how="left",
                     maintain_order="left").with_columns(pl.coalesce("person_id", "new_person").alias("person_id"))
    _execute_many(f"UPDATE {_table(Perpetrator)} SET relationship = %s, lives_in_household = %s, roles = %s,"
                  f" person_id = %s WHERE id = %s",
                  zip(kept["relationship"].to_list(), kept["lives_in_household"].to_list(), _roles_json(kept["roles"]),
                      kept["person_id"].to_list(), kept["id"].to_list()))


def _stored_family_flags(case_ids: list[int]) -> pl.Series:
    """Each case's family-facilitated flag from all its stored perpetrators (the rule runs once per distinct set)."""
    rows = _in_chunks(f"SELECT case_id, relationship, lives_in_household FROM {_table(Perpetrator)} WHERE case_id IN",
                      case_ids)
    stored = pl.DataFrame(rows, schema={"case_id": pl.Int64, "relationships": pl.String, "households": pl.Boolean},
                          orient="row", strict=False).sort("case_id", "relationships", "households")
    sets = stored.group_by("case_id").agg("relationships", "households")
    sets = sets.with_columns(_family_of_sets(sets.select("relationships", "households")))
    return pl.DataFrame({"case_id": case_ids}).join(sets, on="case_id", how="left", maintain_order="left")[
        "family_facilitated"].fill_null(False)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(name: str) -> str:
    return connection.ops.quote_name(name)


def _keep_unless_given(columns) -> str:
    """SET assignments, one parameter per column, that keep the stored value when the parameter is empty."""
    return ", ".join(f"{c} = COALESCE(NULLIF(%s, ''), {c})" for c in map(_column, columns))


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
