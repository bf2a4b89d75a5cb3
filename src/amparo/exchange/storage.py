"""Store normalised cases in the registry: new ones in bulk, changed ones in place.

On SQLite, new cases go in by `executemany` on whole columns inside the import's
transaction, with no ORM object per row; elsewhere, and whenever asked, through
`registry.services.cases_register`. Both write the same rows: the derived place
and family flag come from `registry.records.case_place` and `family_facilitated`
(called once per distinct place or perpetrator set), identities are sealed with the same
field code, and tests compare the two paths table by table.
"""

from __future__ import annotations

from contextlib import contextmanager
from itertools import chain

import polars as pl
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from amparo.core import crypto
from amparo.exchange.domain.cases_frame import PERSON_FIELDS, perpetrator_values, record_of
from amparo.registry import services as registry_services
from amparo.registry.models import Case, CaseCode, Organisation, Perpetrator, Person, PersonIdentity, TraffickingEvent
from amparo.registry.records import (
    PLACE_PRIORITY, EventRecord, PerpetratorRecord, PersonRecord, case_place, family_facilitated,
)

CHUNK = 50_000
PLACE_COLUMNS = ("department_code", "province_code", "district_code")
SQLITE_CACHE_KIB = 256 * 1024
CODE_FIELDS = (
    (CaseCode.Field.EXPLOITATION, "exploitation_types"),
    (CaseCode.Field.CONTROL, "control_methods"),
    (CaseCode.Field.RECRUITMENT, "recruitment_methods"),
    (CaseCode.Field.SEX_EXPLOITATION, "sex_exploitation_types"),
)


def _prep(model, field_name: str, value):
    return model._meta.get_field(field_name).get_db_prep_save(value, connection)


def insert_rows(model, columns: list[str], rows, constants: dict | None = None) -> None:
    """Insert tuples with as many rows per INSERT as the backend's parameter limit allows.

    One statement per row would pay the statement's set-up for every row (on SQLite that includes building
    the lists of the CHECK constraints' IN clauses), which costs more than the row itself. `constants`
    (column -> value) are the same in every row: on SQLite they are bound once per statement, by number.
    """
    constants = constants or {}
    rows = list(rows)
    if connection.vendor != "sqlite":
        rows, columns, constants = [(*row, *constants.values()) for row in rows], [*columns, *constants], {}
    limit = connection.features.max_query_params or 999  # PostgreSQL states no limit
    per = max(1, (limit - len(constants)) // len(columns))
    full = len(rows) - len(rows) % per
    shared = tuple(constants.values())
    with connection.cursor() as cursor:
        if full:
            cursor.executemany(_insert_sql(model, columns, constants, per),
                               ((*chain.from_iterable(rows[start:start + per]), *shared)
                                for start in range(0, full, per)))
        if full < len(rows):
            cursor.execute(_insert_sql(model, columns, constants, len(rows) - full),
                           (*chain.from_iterable(rows[full:]), *shared))


def _insert_sql(model, columns: list[str], constants: dict, rows: int) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
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
    """family_facilitated of each row's perpetrators, called once per distinct set of them."""
    people = frame.select(perpetrator_values("relationship").alias("relationships"),
                          perpetrator_values("in_household").alias("households"))
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
    person_ids = list(range(_next_id(Person), _next_id(Person) + n))
    case_ids = list(range(_next_id(Case), _next_id(Case) + n))
    insert_rows(Person, ["id", "gender", "citizenship"],
                zip(person_ids, frame["gender"].to_list(), frame["citizenship"].str.to_uppercase().to_list()),
                {"is_synthetic": is_synthetic})

    _identities_insert(frame.with_columns(person_id=pl.Series(person_ids)))

    derived = derived_columns(frame)
    case_columns = {
        "id": case_ids, "victim_id": person_ids, "source_record_id": frame["source_record_id"].to_list(),
        "registration_date": frame["registration_date"].cast(pl.String).to_list(),
        "status": frame["status"].to_list(), "trafficking_status": frame["trafficking_status"].to_list(),
        "trafficking_status_decision_org": frame["decision_org"].to_list(),
        "forced_labour_industry": frame["forced_labour_industry"].to_list(),
        "age_when_trafficked": frame["age"].to_list(), "organised_network": frame["organised_network"].to_list(),
        "legal_article": frame["legal_article"].to_list(),
        "department_code": derived["department_code"].to_list(), "province_code": derived["province_code"].to_list(),
        "district_code": derived["district_code"].to_list(),
        "family_facilitated": derived["family_facilitated"].to_list(),
    }
    insert_rows(Case, list(case_columns), zip(*case_columns.values()), {
        "source_organisation_id": source.pk, "is_synthetic": is_synthetic, "owner_id": owner.pk if owner else None,
        "created_at": now, "updated_at": now, "version": 1})

    ids = pl.Series("case_id", case_ids)
    code_rows = []
    for field, column in CODE_FIELDS:
        exploded = pl.DataFrame({"case_id": ids, "code": frame[column]}).explode("code", empty_as_null=True).drop_nulls("code")
        code_rows.append(exploded.with_columns(pl.lit(str(field)).alias("field")))
    codes = pl.concat(code_rows).sort("case_id", maintain_order=True)
    insert_rows(CaseCode, ["case_id", "field", "code"], codes.select("case_id", "field", "code").iter_rows())

    _perpetrators_insert(frame.select(ids, "perpetrators"), is_synthetic)
    events = frame.select(ids, "events").explode("events", empty_as_null=False).unnest("events")
    insert_rows(TraffickingEvent, ["case_id", "event_type", "country", "ubigeo", "date", "description"],
                events.select("case_id", "event_type", "country", "ubigeo", pl.col("date").cast(pl.String),
                              "description").iter_rows())
    return case_ids


def _identities_insert(people: pl.DataFrame) -> None:
    """The sealed identities of the people (person_id and the identity fields) who have one."""
    people = people.with_columns(pl.col("birthdate").cast(pl.String).fill_null(""))
    fields = ["first_name", "second_name", "birthdate", "identity_number"]
    people = people.filter(pl.any_horizontal([pl.col(f) != "" for f in fields]))
    if people.is_empty():
        return
    numbers = people["identity_number"].to_list()
    insert_rows(PersonIdentity, ["person_id", *fields, "identity_number_hash"],
                zip(people["person_id"].to_list(), *[_seal_column(people[f].to_list()) for f in fields[:3]],
                    _seal_column(numbers), [crypto.lookup_hash(v) if v else "" for v in numbers]),
                {"address": "", "phone": ""})


def _perpetrators_insert(cases: pl.DataFrame, is_synthetic: bool) -> None:
    """Each case's perpetrators (case_id, perpetrators), with a person for those of whom anything is known."""
    rows = cases.explode("perpetrators", empty_as_null=False).unnest("perpetrators")
    known = pl.any_horizontal([pl.col(f).cast(pl.String).fill_null("") != "" for f in PERSON_FIELDS])
    first = _next_id(Person)
    rows = rows.with_columns(pl.when(known).then(first - 1 + known.cast(pl.Int64).cum_sum()).alias("person_id"))
    people = rows.filter(pl.col("person_id").is_not_null())
    insert_rows(Person, ["id", "gender", "citizenship"],
                people.select("person_id", "gender", pl.col("citizenship").str.to_uppercase()).iter_rows(),
                {"is_synthetic": is_synthetic})
    _identities_insert(people)
    roles = rows["roles"].list.join("\x1f")  # one JSON value per distinct set of roles, as the ORM writes it
    distinct = roles.unique()
    prepared = pl.Series([_prep(Perpetrator, "roles", r.split("\x1f") if r else []) for r in distinct.to_list()],
                         dtype=pl.String)
    insert_rows(Perpetrator, ["case_id", "relationship", "lives_in_household", "roles", "person_id"],
                rows.select("case_id", "relationship", "in_household", roles.replace_strict(distinct, prepared),
                            "person_id").iter_rows())


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
    with _large_page_cache():
        ids: list[int] = []
        for start in range(0, frame.height, CHUNK):
            ids += insert(frame.slice(start, CHUNK), source=source, owner=owner, is_synthetic=is_synthetic)
    registry_services.registry_changed()
    return ids


@contextmanager
def _large_page_cache():
    """Keep the indexes being filled in memory while a bulk insert runs (SQLite, this connection only)."""
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
    """Replace the content of existing cases with the rows' (few, so one case at a time)."""
    for row, case_id in zip(frame.iter_rows(named=True), case_ids):
        record = record_of(row)
        case = Case.objects.select_related("victim").get(pk=case_id)
        Person.objects.filter(pk=case.victim_id).update(gender=record.victim.gender,
                                                        citizenship=record.victim.citizenship.upper())
        _identity_replace(case.victim_id, record.victim)
        Case.objects.filter(pk=case_id).update(
            registration_date=record.registration_date, status=record.status,
            trafficking_status=record.trafficking_status,
            trafficking_status_decision_org=record.trafficking_status_decision_org,
            forced_labour_industry=record.forced_labour_industry, age_when_trafficked=record.age_when_trafficked,
            organised_network=record.organised_network, legal_article=record.legal_article,
            updated_at=timezone.now(), version=F("version") + 1)
        CaseCode.objects.filter(case_id=case_id).delete()
        CaseCode.objects.bulk_create([CaseCode(case_id=case_id, field=field, code=code)
                                      for field, column in CODE_FIELDS for code in row[column]])
        _perpetrators_replace(case, record.perpetrators)
        TraffickingEvent.objects.filter(case_id=case_id).delete()
        TraffickingEvent.objects.bulk_create([TraffickingEvent(case_id=case_id, event_type=e.event_type,
                                                               country=e.country, ubigeo=e.ubigeo, date=e.date,
                                                               description=e.description)
                                              for e in record.events])
        registry_services.case_refresh_derived(Case.objects.get(pk=case_id))


def _identity_replace(person_id: int, record: PersonRecord) -> None:
    """The person's identity becomes the record's (none when the record has none)."""
    if any((record.first_name, record.second_name, record.birthdate, record.identity_number)):
        PersonIdentity.objects.update_or_create(person_id=person_id, defaults=dict(
            first_name=record.first_name, second_name=record.second_name,
            birthdate=record.birthdate.isoformat() if record.birthdate else "",
            identity_number=record.identity_number,
            identity_number_hash=crypto.lookup_hash(record.identity_number) if record.identity_number else ""))
    else:
        PersonIdentity.objects.filter(person_id=person_id).delete()


def _perpetrators_replace(case: Case, perpetrators: list[PerpetratorRecord]) -> None:
    """The row's perpetrators replace the case's. A row that says nothing of any perpetrator's person leaves
    the perpetrators who have one (named by hand in Amparo) as they are, as it always did; a row that does
    describes them all, and they are updated in place, by position, so that each keeps its person."""
    if not any(p.person for p in perpetrators):
        Perpetrator.objects.filter(case=case, person__isnull=True).delete()
        Perpetrator.objects.bulk_create([Perpetrator(case=case, relationship=p.relationship, roles=list(p.roles),
                                                     lives_in_household=p.lives_in_household) for p in perpetrators])
        return
    existing = list(Perpetrator.objects.filter(case=case).order_by("id"))
    for position, wanted in enumerate(perpetrators):
        row = existing[position] if position < len(existing) else Perpetrator(case=case)
        row.relationship, row.lives_in_household, row.roles = wanted.relationship, wanted.lives_in_household, list(wanted.roles)
        person = wanted.person or PersonRecord()
        if row.person_id is None and wanted.person is not None:
            row.person = Person.objects.create(is_synthetic=case.is_synthetic)
        if row.person_id is not None:
            Person.objects.filter(pk=row.person_id).update(gender=person.gender, citizenship=person.citizenship.upper())
            _identity_replace(row.person_id, person)
        row.save()
    for row in existing[len(perpetrators):]:
        row.delete()
