"""Cases in bulk, from a case frame (registry.frames): new ones inserted and changed ones replaced on whole
columns, a part of CHUNK cases at a time, with no ORM object per row. Reached through registry.services.

The same program on SQLite and PostgreSQL (their differences are in core.dialects), writing the same rows as
the single-case services: the derived place and family flag come from registry.frames (the rules of
registry.records, called once per distinct place or perpetrator set), identities from registry.identities,
every sealed value is sealed by its model field, and tests compare the two table by table. The frame is
valid: whoever built it checked it (exchange's normalisation checks what registry.records.validate_case does).
"""

from __future__ import annotations

import polars as pl
from django.db import connection
from django.utils import timezone

from amparo.core.dialects import dialect, quote, table_of
from amparo.core.record_keys import new_record_keys
from amparo.core.sql_bulk import execute_many, in_chunks, insert_rows
from amparo.registry.frames import PERSON_FIELDS, derived_columns, family_of_sets
from amparo.registry.identities import HASH, IDENTITY_FIELDS, identity_columns
from amparo.registry.models import Case, CaseCode, Organisation, Perpetrator, Person, PersonIdentity, TraffickingEvent
from amparo.registry.name_index import names_index, names_index_stored
from amparo.registry.records import CASE_SCALARS, CODE_LISTS, PLACE_COLUMNS

CHUNK = 50_000  # cases per part: a long import reports each part as it is stored
IDENTITY_COLUMNS = (*IDENTITY_FIELDS, HASH)
NAME_FIELDS = ("first_name", "second_name")
DERIVED = (*PLACE_COLUMNS, "family_facilitated")


def _prepared(model, field_name: str, values: list) -> list:
    """Values as the model's field saves them (sealed, for a sealed field); an empty text stays empty, as every
    field leaves it, without the cost of preparing it (most events have no description)."""
    field = model._meta.get_field(field_name)
    return [field.get_db_prep_save(value, connection) if value != "" else value for value in values]


def cases_insert(frame: pl.DataFrame, *, source: Organisation, owner=None, is_synthetic: bool = False) -> list[int]:
    """Insert new cases (a case frame, of up to CHUNK rows); their ids, in frame order. The caller holds the
    transaction."""
    n = frame.height
    if n == 0:
        return []
    now = _prepared(Case, "created_at", [timezone.now()])[0]
    person_ids, case_ids = dialect().new_ids(Person, n), dialect().new_ids(Case, n)
    insert_rows(Person, {"id": person_ids, **_person_values(frame)}, {"is_synthetic": is_synthetic})
    _identities_insert(frame.with_columns(person_id=pl.Series(person_ids, dtype=pl.Int64)))
    insert_rows(
        Case,
        {
            "id": case_ids,
            "victim_id": person_ids,
            "record_key": new_record_keys(n),
            **_case_values(frame, derived_columns(frame)),
        },
        {
            "source_organisation_id": source.pk,
            "is_synthetic": is_synthetic,
            "owner_id": owner.pk if owner else None,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        },
    )
    ids = pl.Series("case_id", case_ids, dtype=pl.Int64)
    _codes_insert(frame, ids)
    _perpetrators_insert(_perpetrator_rows(frame, ids).with_columns(is_synthetic=pl.lit(is_synthetic)))
    _events_insert(frame, ids)
    return case_ids


def cases_update(frame: pl.DataFrame, case_ids: list[int]) -> None:
    """Replace the content of stored cases with the rows' (a case frame and the ids of its cases, in frame
    order, up to CHUNK of them). The caller holds the transaction.

    A source may send its whole registry again, every row corrected, so this works on whole columns like
    the insert rather than one case at a time (figures in docs/benchmarks.md). What an import does not carry stays: perpetrators
    linked to a person (recorded in casework), the victim's address and phone, and any identifying field
    the row leaves empty (a file without identities never erases them).
    """
    stored = pl.DataFrame(
        in_chunks(f"SELECT id, victim_id, is_synthetic FROM {table_of(Case)} WHERE id IN", case_ids),
        schema={"case_id": pl.Int64, "victim_id": pl.Int64, "is_synthetic": pl.Boolean},
        orient="row",
        strict=False,
    )
    ids = pl.Series("case_id", case_ids, dtype=pl.Int64)
    cases = pl.DataFrame(ids).join(stored, on="case_id", how="left", maintain_order="left")
    victims = frame.with_columns(person_id=cases["victim_id"])
    people = _person_values(victims)
    execute_many(
        f"UPDATE {table_of(Person)} SET gender = %s, citizenship = %s WHERE id = %s",
        zip(people["gender"], people["citizenship"], victims["person_id"].to_list()),
    )
    _identities_update(victims)

    for model in (CaseCode, TraffickingEvent):
        in_chunks(f"DELETE FROM {table_of(model)} WHERE case_id IN", case_ids)
    _codes_insert(frame, ids)
    _events_insert(frame, ids)
    _perpetrators_update(
        _perpetrator_rows(frame, ids).join(
            cases.select("case_id", "is_synthetic"), on="case_id", how="left", maintain_order="left"
        ),
        case_ids,
    )

    derived = derived_columns(frame).with_columns(_stored_family_flags(case_ids))
    values = _case_values(frame, derived)
    del values["source_record_id"]  # the case was found by it
    now = _prepared(Case, "updated_at", [timezone.now()])[0]
    assignments = ", ".join(f"{quote(column)} = %s" for column in values)
    execute_many(
        f"UPDATE {table_of(Case)} SET {assignments}, updated_at = %s, version = version + 1 WHERE id = %s",
        ((*row, now, case_id) for *row, case_id in zip(*values.values(), case_ids)),
    )


def _case_values(frame: pl.DataFrame, derived: pl.DataFrame) -> dict[str, list]:
    """The case columns a row sets (its own values, dates as ISO text), and its derived place and flag."""
    own = frame.select(
        pl.col(name).cast(pl.String) if frame.schema[name] == pl.Date else pl.col(name) for name in CASE_SCALARS
    )
    return {**own.to_dict(as_series=False), **derived.select(DERIVED).to_dict(as_series=False)}


def _person_values(people: pl.DataFrame) -> dict[str, list]:
    return {"gender": people["gender"].to_list(), "citizenship": people["citizenship"].str.to_uppercase().to_list()}


def _identities_insert(people: pl.DataFrame) -> None:
    """The identities of new people (person_id and PersonRecord's fields) who have any, and their names' index."""
    columns = identity_columns(people).with_columns(people["person_id"])
    given = columns.filter("given")
    if given.height:
        insert_rows(
            PersonIdentity,
            given.select("person_id", *IDENTITY_COLUMNS).to_dict(as_series=False),
            {"address": "", "phone": ""},
        )
        names_index(_names(people.filter(columns["given"])).iter_rows())


def _names(people: pl.DataFrame) -> pl.DataFrame:
    """person_id, given names and surnames (in clear, "" for none) of a frame of people."""
    return people.select("person_id", *(pl.col(n).cast(pl.String).fill_null("") for n in NAME_FIELDS))


def _identities_update(people: pl.DataFrame) -> None:
    """Stored people's identities: each field given replaces the stored one; one left empty keeps it."""
    given = identity_columns(people).with_columns(people["person_id"]).filter("given")
    stored = {
        person
        for (person,) in in_chunks(
            f"SELECT person_id FROM {table_of(PersonIdentity)} WHERE person_id IN", given["person_id"].to_list()
        )
    }
    known = given["person_id"].is_in(list(stored))
    if (~known).any():
        _identities_insert(people.filter(pl.col("person_id").is_in(given.filter(~known)["person_id"].implode())))
    execute_many(
        f"UPDATE {table_of(PersonIdentity)} SET {_keep_unless_given(IDENTITY_COLUMNS)} WHERE person_id = %s",
        given.filter(known).select(*IDENTITY_COLUMNS, "person_id").iter_rows(),
    )
    # A name given whole replaces the indexed one; half a name keeps the stored other half, read back.
    names = _names(people.filter(pl.col("person_id").is_in(given.filter(known)["person_id"].implode())))
    whole = pl.all_horizontal(pl.col(n) != "" for n in NAME_FIELDS)
    names_index(names.filter(whole).iter_rows())
    names_index_stored(
        names.filter(~whole & pl.any_horizontal(pl.col(n) != "" for n in NAME_FIELDS))["person_id"].to_list()
    )


def _codes_insert(frame: pl.DataFrame, ids: pl.Series) -> None:
    code_rows = []
    for field, column, _codelist in CODE_LISTS:
        exploded = pl.DataFrame({"case_id": ids, "code": frame[column]}).explode("code", empty_as_null=True)
        exploded = exploded.drop_nulls("code")
        code_rows.append(exploded.with_columns(pl.lit(field).alias("field")))
    codes = pl.concat(code_rows).sort("case_id", maintain_order=True)
    insert_rows(CaseCode, codes.select("case_id", "field", "code").to_dict(as_series=False))


def _events_insert(frame: pl.DataFrame, ids: pl.Series) -> None:
    events = frame.select(ids, "events").explode("events", empty_as_null=False).unnest("events")
    columns = events.select("case_id", "event_type", "country", "ubigeo", pl.col("date").cast(pl.String)).to_dict(
        as_series=False
    )
    insert_rows(
        TraffickingEvent,
        {**columns, "description": _prepared(TraffickingEvent, "description", events["description"].to_list())},
    )


def _perpetrator_rows(frame: pl.DataFrame, ids: pl.Series) -> pl.DataFrame:
    """One row per perpetrator of each case, with its position in the case and whether anything of its person is
    known."""
    rows = frame.select(ids, "perpetrators").explode("perpetrators", empty_as_null=False).unnest("perpetrators")
    known = pl.any_horizontal([pl.col(f).cast(pl.String).fill_null("") != "" for f in PERSON_FIELDS])
    return rows.with_columns(known.alias("known"), pl.int_range(pl.len()).over("case_id").alias("position"))


def _new_people(rows: pl.DataFrame) -> pl.DataFrame:
    """A new person (with its identity) for each row (person fields and is_synthetic); the rows with person_id."""
    rows = rows.with_columns(pl.Series("person_id", dialect().new_ids(Person, rows.height), dtype=pl.Int64))
    insert_rows(
        Person,
        {"id": rows["person_id"].to_list(), **_person_values(rows), "is_synthetic": rows["is_synthetic"].to_list()},
    )
    _identities_insert(rows)
    return rows


def _roles_json(roles: pl.Series) -> list:
    """Each list of roles as the ORM stores it, prepared once per distinct list."""
    joined = roles.list.join("\x1f").to_list()
    distinct = sorted(set(joined))
    prepared = dict(zip(distinct, _prepared(Perpetrator, "roles", [r.split("\x1f") if r else [] for r in distinct])))
    return [prepared[r] for r in joined]


def _perpetrators_insert(rows: pl.DataFrame) -> None:
    """Perpetrator rows (from _perpetrator_rows, with is_synthetic and maybe person_id) as new perpetrators,
    with a new person for each one of whom something is known and who has none yet."""
    if "person_id" not in rows.columns:
        rows = rows.with_columns(person_id=pl.lit(None, dtype=pl.Int64))
    rows = rows.with_row_index("row")
    people = _new_people(rows.filter(pl.col("known") & pl.col("person_id").is_null()))
    rows = rows.join(
        people.select("row", pl.col("person_id").alias("new_person")), on="row", how="left", maintain_order="left"
    ).with_columns(pl.coalesce("person_id", "new_person").alias("person_id"))
    insert_rows(
        Perpetrator,
        {
            "case_id": rows["case_id"].to_list(),
            "relationship": rows["relationship"].to_list(),
            "lives_in_household": rows["lives_in_household"].to_list(),
            "roles": _roles_json(rows["roles"]),
            "person_id": rows["person_id"].to_list(),
        },
    )


def _perpetrators_update(rows: pl.DataFrame, case_ids: list[int]) -> None:
    """The rows' perpetrators replace their cases'. A case whose row says nothing of any perpetrator's person
    keeps the perpetrators who have one (recorded by hand in Amparo) and gets the row's others anew; a row that
    does describes them all, and they are updated in place, in order, so that each keeps its person."""
    describing = rows.filter("known")["case_id"].unique()
    named_cases = set(describing.to_list())
    plain = [case_id for case_id in case_ids if case_id not in named_cases]
    in_chunks(f"DELETE FROM {table_of(Perpetrator)} WHERE person_id IS NULL AND case_id IN", plain)
    _perpetrators_insert(rows.filter(~pl.col("case_id").is_in(describing.implode())))
    if describing.is_empty():
        return
    existing = (
        pl.DataFrame(
            in_chunks(
                f"SELECT id, case_id, person_id FROM {table_of(Perpetrator)} WHERE case_id IN", describing.to_list()
            ),
            schema={"id": pl.Int64, "case_id": pl.Int64, "person_id": pl.Int64},
            orient="row",
        )
        .sort("case_id", "id")
        .with_columns(pl.int_range(pl.len()).over("case_id").alias("position"))
    )
    wanted = rows.filter(pl.col("case_id").is_in(describing.implode())).join(
        existing, on=["case_id", "position"], how="left", maintain_order="left"
    )
    extra = existing.join(wanted, on=["case_id", "position"], how="anti")
    in_chunks(f"DELETE FROM {table_of(Perpetrator)} WHERE id IN", extra["id"].to_list())
    _perpetrators_insert(wanted.filter(pl.col("id").is_null()).drop("id"))

    kept = wanted.filter(pl.col("id").is_not_null())
    with_person = kept.filter(pl.col("person_id").is_not_null())
    people = _person_values(with_person)
    execute_many(
        f"UPDATE {table_of(Person)} SET {_keep_unless_given(people)} WHERE id = %s",
        zip(*people.values(), with_person["person_id"].to_list()),
    )
    _identities_update(with_person)
    named = _new_people(kept.filter(pl.col("known") & pl.col("person_id").is_null()))
    kept = kept.join(
        named.select("id", pl.col("person_id").alias("new_person")), on="id", how="left", maintain_order="left"
    ).with_columns(pl.coalesce("person_id", "new_person").alias("person_id"))
    execute_many(
        f"UPDATE {table_of(Perpetrator)} SET relationship = %s, lives_in_household = %s, roles = %s,"
        f" person_id = %s WHERE id = %s",
        zip(
            kept["relationship"].to_list(),
            kept["lives_in_household"].to_list(),
            _roles_json(kept["roles"]),
            kept["person_id"].to_list(),
            kept["id"].to_list(),
        ),
    )


def _stored_family_flags(case_ids: list[int]) -> pl.Series:
    """Each case's family-facilitated flag from all its stored perpetrators (the rule runs once per distinct set)."""
    rows = in_chunks(
        f"SELECT case_id, relationship, lives_in_household FROM {table_of(Perpetrator)} WHERE case_id IN", case_ids
    )
    stored = pl.DataFrame(
        rows,
        schema={"case_id": pl.Int64, "relationships": pl.String, "households": pl.Boolean},
        orient="row",
        strict=False,
    ).sort("case_id", "relationships", "households")
    sets = stored.group_by("case_id").agg("relationships", "households")
    sets = sets.with_columns(family_of_sets(sets.select("relationships", "households")))
    return (
        pl.DataFrame({"case_id": case_ids})
        .join(sets, on="case_id", how="left", maintain_order="left")["family_facilitated"]
        .fill_null(False)
    )


def _keep_unless_given(columns) -> str:
    """SET assignments, one parameter per column, that keep the stored value when the parameter is empty."""
    return ", ".join(f"{c} = COALESCE(NULLIF(%s, ''), {c})" for c in map(quote, columns))
