"""What the statistics count, read from the registry once into Polars frames and kept until it changes.

A dashboard page or an annual report asks for dozens of aggregates over the
same cases. Answering each with its own SQL scan costs seconds on a million
cases (see docs/benchmarks.md); reading the few statistical columns once and
aggregating in memory costs milliseconds per table. The snapshot is shared by
the threads of a process and reloaded whenever the registry's revision token
(registry.services.registry_changed, written in the same transaction as every
change) or the linked victims' one (linkage.models.ClusterRevision, written with
every change of the clusters) differs from the one it was read at, so no figure
is ever stale. Linkage keeps its own token because only the registry writes the
registry's tables.

It holds no identifying field, only codes, places, ages and ids; still, those
can single a child out, so the copy kept on disk for other processes (the
command line, a restarted server) is sealed with the registry's key ring, like
the identities, and is only a cache: one that cannot be opened is read again
from the database.
"""

import io
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import polars as pl
from cryptography.exceptions import InvalidTag
from django.db import connection
from django.db.models import CharField, F, Func

from amparo.core import crypto
from amparo.core.datadir import data_dir
from amparo.core.sql_frames import read_frame
from amparo.linkage.selectors import clusters_revision, linked_victims
from amparo.registry.models import Case, CaseCode, Perpetrator, TraffickingEvent
from amparo.registry.selectors import registry_revision

CASE_COLUMNS: dict[str, pl.DataType] = {
    "id": pl.Int64,
    "victim_id": pl.Int64,
    "year": pl.String,
    "department_code": pl.String,
    "province_code": pl.String,
    "district_code": pl.String,
    "age": pl.Int16,
    "gender": pl.String,
    "citizenship": pl.String,
    "family_facilitated": pl.Int8,
    "organised_network": pl.String,
    "trafficking_status": pl.String,
    "source_organisation_id": pl.Int64,
    "is_synthetic": pl.Int8,
    "record_key": pl.Int64,
}
# Where each case's victim was recruited and exploited (the route), added to CASE_COLUMNS by ``routes``.
ROUTE_COLUMNS: dict[str, pl.DataType] = {
    "recruitment_department": pl.String,
    "recruitment_abroad": pl.Boolean,
    "exploitation_department": pl.String,
    "exploitation_abroad": pl.Boolean,
}
EVENT_COLUMNS: dict[str, pl.DataType] = {
    "id": pl.Int64,
    "event_id": pl.Int64,
    "event_type": pl.String,
    "country": pl.String,
    "ubigeo": pl.String,
}
# The events whose places make a route, and the prefix of their columns.
ROUTE_EVENTS = {"Recruitment": "recruitment", "Exploitation": "exploitation"}
CODE_COLUMNS: dict[str, pl.DataType] = {"id": pl.Int64, "code": pl.String}


class RegistrationYear(Func):
    """The registration date's year as text, in each database's own function (no Python per row)."""

    output_field = CharField()

    def __init__(self):
        super().__init__(F("registration_date"))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 4)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY')", **extra)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The registry's statistical content.

    ``cases``: one row per case (columns of CASE_COLUMNS and ROUTE_COLUMNS, with ``victim``, the linked victim: the smallest
    person id of its victim's cluster in the linkage, or its own victim's when no run linked it, and
    ``victim_key``, the victim's record key for the cell-key perturbation: the smallest of its cases'; year as
    text; flags as booleans).
    ``exploitation``: (id, code) per type of exploitation recorded for a case.
    ``relationships``: (id, code) per relationship to the victim of a case's perpetrators (two
    perpetrators who are parents give one pair: the statistics count cases, not perpetrators).
    All three are sorted by case id; the pairs are distinct. ``revision`` is the registry's revision token
    (registry.models.RegistryRevision) they were read at, and the clusters' (after a colon) once linked.
    """

    cases: pl.DataFrame
    exploitation: pl.DataFrame
    relationships: pl.DataFrame
    revision: str = ""
    _derived: dict = field(default_factory=dict, repr=False)

    def derived(self, name: str, compute: Callable[["Snapshot"], pl.DataFrame]) -> pl.DataFrame:
        """A frame computed from this snapshot once (e.g. a dimension's distinct pairs), then kept with it."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        return self._derived[name]


def _frame(queryset, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A values_list query (its first column a case id) as a typed frame."""
    sql, params = queryset.query.sql_with_params()
    return read_frame(sql, params, schema, part_by=next(iter(schema)))


def routes(events: pl.DataFrame) -> pl.DataFrame:
    """Per case with a recruitment or exploitation event, ROUTE_COLUMNS: the department of each.

    ``events`` has the columns of EVENT_COLUMNS. Of several events of a kind, the one in Peru with the most
    precise ubigeo gives the department, the first recorded among equals: the rule by which
    registry.records.case_place places a case, so that the department of exploitation is the case's
    department whenever it was exploited in Peru. A case with no such place but an event of that kind in
    another country was recruited (or exploited) abroad; one with neither has no department of it.
    """
    in_peru = (pl.col("country") == "PE") & (pl.col("ubigeo").fill_null("") != "")
    ranked = events.filter(pl.col("event_type").is_in(list(ROUTE_EVENTS))).with_columns(
        in_peru=in_peru, precision=pl.col("ubigeo").fill_null("").str.len_chars()
    )
    chosen = ranked.sort(["id", "in_peru", "precision", "event_id"], descending=[False, True, True, False])
    per_kind = chosen.group_by("id", "event_type", maintain_order=True).agg(
        department=pl.when(pl.col("in_peru").first()).then(pl.col("ubigeo").first().str.slice(0, 2)),
        abroad=(pl.col("country") != "PE").any(),
    )
    frame = pl.DataFrame({"id": per_kind["id"].unique()}, schema={"id": pl.Int64})
    for event_type, prefix in ROUTE_EVENTS.items():
        kind = per_kind.filter(pl.col("event_type") == event_type).select(
            "id",
            pl.col("department").alias(f"{prefix}_department"),
            # Abroad only when no place in Peru is known: a department, when there is one, is the route's end.
            (pl.col("abroad") & pl.col("department").is_null()).alias(f"{prefix}_abroad"),
        )
        frame = frame.join(kind, on="id", how="left")
    frame = frame.with_columns(pl.col(f"{prefix}_abroad" for prefix in ROUTE_EVENTS.values()).fill_null(False))
    return frame.select("id", *(pl.col(name).cast(dtype) for name, dtype in ROUTE_COLUMNS.items())).sort("id")


def load(revision: str = "") -> Snapshot:
    """Read the snapshot from the database. Every frame is sorted by case id, so that Polars
    can join cases with their codes as sorted keys."""
    cases = _frame(
        Case.objects.order_by().values_list(
            "id",
            "victim_id",
            RegistrationYear(),
            "department_code",
            "province_code",
            "district_code",
            "age_when_trafficked",
            "victim__gender",
            "victim__citizenship",
            "family_facilitated",
            "organised_network",
            "trafficking_status",
            "source_organisation_id",
            "is_synthetic",
            "record_key",
        ),
        CASE_COLUMNS,
    ).with_columns(pl.col("family_facilitated", "is_synthetic").cast(pl.Boolean))
    cases = cases.join(linked_victims().rename({"person_id": "victim_id"}), on="victim_id", how="left").with_columns(
        victim=pl.coalesce("victim", "victim_id")
    )
    cases = cases.with_columns(victim_key=pl.col("record_key").min().over("victim"))
    events = _frame(
        TraffickingEvent.objects.order_by()
        .filter(event_type__in=list(ROUTE_EVENTS))
        .values_list("case_id", "id", "event_type", "country", "ubigeo"),
        EVENT_COLUMNS,
    )
    cases = cases.join(routes(events), on="id", how="left").with_columns(
        pl.col("recruitment_abroad", "exploitation_abroad").fill_null(False)
    )
    exploitation = _frame(
        CaseCode.objects.order_by().filter(field=CaseCode.Field.EXPLOITATION).values_list("case_id", "code"),
        CODE_COLUMNS,
    )
    relationships = _frame(Perpetrator.objects.order_by().values_list("case_id", "relationship"), CODE_COLUMNS)
    relationships = relationships.unique()  # exploitation types are unique per case by a constraint
    return Snapshot(
        *(
            frame.with_columns(pl.col(pl.String).cast(pl.Categorical)).sort("id")
            for frame in (cases, exploitation, relationships)
        ),
        revision=revision,
    )


FRAMES = ("cases", "exploitation", "relationships")
PURPOSE = "statistics snapshot"


def persisted_path() -> os.PathLike:
    return data_dir() / "statistics-snapshot.sealed"


def _write(snapshot: Snapshot, database: str, token: str) -> None:
    """Seal the frames into the data directory (atomically: a reader sees the old file or the new one)."""
    parts = []
    for name in FRAMES:
        buffer = io.BytesIO()
        getattr(snapshot, name).write_ipc(buffer)
        parts.append(buffer.getvalue())
    header = json.dumps({"database": database, "token": token, "sizes": [len(p) for p in parts]}).encode()
    sealed = crypto.seal_bytes(b"\n".join([header, *parts]), PURPOSE)
    path = persisted_path()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(sealed)
    os.replace(temporary, path)


def _read(database: str, token: str) -> Snapshot | None:
    """The persisted snapshot if it was read at this revision of this database, else None."""
    try:
        plain = crypto.open_sealed_bytes(persisted_path().read_bytes(), PURPOSE)
    except (FileNotFoundError, ValueError, InvalidTag, crypto.KeyRingError):
        return None
    header, _, payload = plain.partition(b"\n")
    meta = json.loads(header)
    if meta["database"] != database or meta["token"] != token:
        return None
    frames, start = {}, 0
    for name, size in zip(FRAMES, meta["sizes"]):
        frames[name] = pl.read_ipc(io.BytesIO(payload[start : start + size])).with_columns(pl.col("id").set_sorted())
        start += size + 1
    if not set(ROUTE_COLUMNS) <= set(frames["cases"].columns):
        return None  # sealed by a version of Amparo that read fewer columns: read the registry again
    return Snapshot(**frames, revision=token)


def forget_persisted() -> None:
    """Remove the sealed copy (after a key rotation, so nothing stays sealed with a retired key)."""
    persisted_path().unlink(missing_ok=True)


_lock = threading.Lock()
_cached: dict[str, tuple[str, Snapshot]] = {}
_pinned = threading.local()


def current() -> Snapshot:
    """The snapshot of the registry as it is now: the one in memory, the sealed copy on disk,
    or, if the registry changed since either was read, a fresh one (or the one pinned for this thread)."""
    if getattr(_pinned, "snapshot", None) is not None:
        return _pinned.snapshot
    database = str(connection.settings_dict["NAME"])
    token = registry_revision()
    if token and (linkage := clusters_revision()):
        token = f"{token}:{linkage}"
    with _lock:
        kept = _cached.get(database)
        if kept is not None and kept[0] == token:
            return kept[1]
        snapshot = _read(database, token) if token else None
        if snapshot is None:
            snapshot = load(token)
            if token:
                _write(snapshot, database, token)
        _cached[database] = (token, snapshot)
        return snapshot


@contextmanager
def pinned() -> Iterator[Snapshot]:
    """Within the block, this thread reads one snapshot however the registry changes meanwhile, so that every
    figure of a report comes from the revision the report records."""
    if getattr(_pinned, "snapshot", None) is not None:
        yield _pinned.snapshot
        return
    _pinned.snapshot = current()
    try:
        yield _pinned.snapshot
    finally:
        _pinned.snapshot = None
