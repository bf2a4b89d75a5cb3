"""Imports: read, recognise, validate, normalise and store a file, all or nothing, keeping every row.

Each input row ends in exactly one place: a new case, an update of the case the
same source sent before, "unchanged", or quarantine with its problems. The
original row is kept, sealed, with the case it produced (CaseProvenance, its
row sealed in a block with its neighbours) or with its problems (QuarantinedRow).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.core import crypto
from amparo.core.sql_bulk import insert_rows, large_page_cache
from amparo.core.sql_frames import read_frame
from amparo.exchange import formats
from amparo.exchange.domain import problems as P
from amparo.exchange.domain.case_counts import check_case_parts
from amparo.exchange.domain.fingerprint import fingerprint_text
from amparo.exchange.domain.normalisation import normalise_cases
from amparo.exchange.domain.readers import ROW, ReadError
from amparo.exchange.models import CaseProvenance, ImportBatch, OriginalRowBlock, QuarantinedRow
from amparo.exchange.reading import import_limits, table_read
from amparo.registry import bulk
from amparo.registry import services as registry
from amparo.registry.models import Case, Organisation
from amparo.registry.selectors import organisation_named

Progress = Callable[[str], None]


class ImportRefused(ValueError):
    """The file cannot be imported at all (unreadable, empty, unknown format, missing column, unknown source)."""


class BatchRejected(ImportRefused):
    """An all-or-nothing batch (the API's) with rejected rows: nothing was stored. `rows`: row -> its problems,
    as the quarantine keeps them."""

    def __init__(self, rows: dict[int, list[dict]]):
        super().__init__(_("%(rows)s rows were rejected; nothing was stored.") % {"rows": len(rows)})
        self.rows = rows


FINGERPRINT = "__fingerprint"
LOOKED_UP_BY_IDENTIFIER = 10_000  # rows up to which an import looks up only its own cases (_plan)
BLOCK_ROWS = 1000  # original rows sealed together; opening one case's row opens its block
ORIGINAL = "__original"


@dataclass
class _Plan:
    new: pl.DataFrame  # rows whose source_record_id this source never sent
    changed: pl.DataFrame  # rows that change a stored case (with its case_id)
    unchanged: int


@dataclass(frozen=True)
class NewSource:
    """A source organisation an import creates, in the same transaction as its cases: a refused, failed or
    killed import leaves no organisation behind."""

    name: str
    org_type: str

    def create(self) -> Organisation:
        return registry.organisation_get_or_create(name=self.name, org_type=self.org_type)


def organisation_find(name: str, *, create_as: str = "") -> Organisation | NewSource:
    """The source organisation by name (case and accents ignored); when there is none and a type is given,
    the organisation to create with the import."""
    organisation = organisation_named(name)
    if organisation is not None:
        return organisation
    if create_as:
        try:
            registry.organisation_type_check(create_as)
        except ValueError as unknown_type:
            raise ImportRefused(str(unknown_type)) from None
        longest = Organisation._meta.get_field("name").max_length
        if len(name.strip()) > longest:
            raise ImportRefused(_("An organisation's name has at most %(length)s characters.") % {"length": longest})
        return NewSource(name.strip(), create_as)
    known = ", ".join(Organisation.objects.values_list("name", flat=True)) or "-"
    raise ImportRefused(
        _(
            "Unknown source organisation %(name)s. Known organisations: %(known)s. Create it first, or "
            "give its type to create it."
        )
        % {"name": name, "known": known}
    )


def _with_fingerprints(frame: pl.DataFrame) -> pl.DataFrame:
    """Each normalised row with a keyed hash of its values: equal hashes mean nothing changed. The key is
    derived from the installation's look-up key, so a fingerprint reveals nothing about identities."""
    key = bytes.fromhex(crypto.lookup_hash("amparo-exchange-row-fingerprint"))
    keyed = hashlib.blake2b(key=key, digest_size=32)  # copied per row: cheaper than keying each hash anew

    def fingerprint(data: bytes) -> str:
        digest = keyed.copy()
        digest.update(data)
        return digest.hexdigest()

    # The text of a chunk at a time, so that memory does not grow with the file.
    parts = [
        pl.Series([fingerprint(data) for data in fingerprint_text(part).cast(pl.Binary).to_list()], dtype=pl.String)
        for part in frame.iter_slices(bulk.CHUNK)
    ]
    fingerprints = pl.concat(parts) if parts else pl.Series([], dtype=pl.String)
    return frame.with_columns(fingerprints.alias(FINGERPRINT))


def _known_cases(source: Organisation, record_ids: list[str] | None = None) -> pl.DataFrame:
    """The source's stored cases (those with `record_ids` only, when given): source_record_id, case id and the
    fingerprint of their latest import."""
    schema = {"case_id": pl.Int64, "source_record_id": pl.String, "previous": pl.String}
    if record_ids == []:
        return pl.DataFrame(schema=schema)
    latest = CaseProvenance.objects.filter(case=OuterRef("pk")).order_by("-id").values("content_hash")[:1]
    cases = Case.objects.filter(source_organisation=source)
    if record_ids is not None:
        cases = cases.filter(source_record_id__in=record_ids)
    query = cases.annotate(previous=Subquery(latest)).order_by().values_list("id", "source_record_id", "previous").query
    sql, params = query.sql_with_params()
    return read_frame(sql, params, schema, part_by="case_id")


def _plan(valid: pl.DataFrame, source: Organisation) -> _Plan:
    """Which rows are new, which change a stored case and how many change nothing. Only the identifiers and
    fingerprints are joined, and an import of new cases only keeps its frame as it is (no copy of it)."""
    # A few rows (an API call) look their own cases up, so a call's cost does not grow with the source; a file
    # reads the source's cases once, which costs less than looking each of many rows up.
    record_ids = valid["source_record_id"].to_list() if valid.height <= LOOKED_UP_BY_IDENTIFIER else None
    keys = valid.select("source_record_id", FINGERPRINT).join(
        _known_cases(source, record_ids), on="source_record_id", how="left", maintain_order="left"
    )
    is_new = keys["case_id"].is_null()
    is_changed = ~is_new & (keys["previous"].fill_null("") != keys[FINGERPRINT])
    new = valid if is_new.all() else valid.filter(is_new)
    changed = valid.filter(is_changed) if is_changed.any() else valid.clear()  # filtering copied the whole frame
    changed = changed.with_columns(keys["case_id"].filter(is_changed))
    return _Plan(new, changed, (keys["previous"] == keys[FINGERPRINT]).sum())


def _originals(table, rows: pl.Series) -> pl.DataFrame:
    """The rows asked for as they were in the file, as JSON: header -> cell (a row longer than the header: its
    cells). Made for a chunk of rows at a time, so that memory does not grow with the file."""
    rows = rows.cast(pl.Int64)
    numbers = table.frame[ROW].cast(pl.Int64)  # in row order: found by binary search, no hash table of the file
    at = numbers.search_sorted(rows).clip(0, max(numbers.len() - 1, 0))
    found = at.filter(numbers.gather(at) == rows) if numbers.len() else at.clear()
    encoded = table.frame[found].select(
        pl.col(ROW).cast(pl.Int64), pl.struct(pl.exclude(ROW)).struct.json_encode().alias(ORIGINAL)
    )
    asked = set(rows.to_list()) if table.ragged_rows else set()
    ragged = pl.DataFrame(
        {
            ROW: [row for row, _cells in table.ragged_rows if row in asked],
            ORIGINAL: [
                json.dumps({"cells": cells}, ensure_ascii=False) for row, cells in table.ragged_rows if row in asked
            ],
        },
        schema={ROW: pl.Int64, ORIGINAL: pl.String},
    )
    return pl.concat([encoded, ragged])


def _problem_rows(table, normalised, fmt) -> dict[int, list[dict]]:
    """Every rejected row's problems as dicts, named by the file's own columns."""
    names = fmt.source_columns(table.header)
    rows: dict[int, list[dict]] = {}
    for row, problems in normalised.problems.items():
        rows[row] = [dict(p.as_dict(), column=names.get(p.column, p.column), field=p.column) for p in problems]
    for row, cells in table.ragged_rows:
        rows[row] = [P.Problem(row, "", str(len(cells)), P.RAGGED, (("width", str(len(table.header))),)).as_dict()]
    return rows


def _unknown_fields(table, fmt) -> dict[int, list[dict]]:
    """The rows that give a value to a field the format does not know, with one problem per such field."""
    known = fmt.match(table.header).columns
    unknown = [column for column in table.header if column not in known and column != ROW]
    rows: dict[int, list[dict]] = {}
    for column in unknown:
        for row, value in table.frame.filter(pl.col(column) != "").select(ROW, column).iter_rows():
            problem = P.Problem(row, column, value, P.UNKNOWN_FIELD, (("format", str(fmt.LABEL)),))
            rows.setdefault(row, []).append(dict(problem.as_dict(), field=column))
    return rows


def _refuse_outside(plan: _Plan, updatable) -> None:
    """BatchRejected when a row would change a case outside `updatable`."""
    changed = plan.changed.select(ROW, "case_id", "source_record_id").rows()
    allowed = set(updatable.filter(pk__in=[case_id for _row, case_id, _id in changed]).values_list("pk", flat=True))
    rows = {
        row: [P.Problem(row, "source_record_id", record_id, P.OUTSIDE_SCOPE).as_dict()]
        for row, case_id, record_id in changed
        if case_id not in allowed
    }
    if rows:
        raise BatchRejected(rows)


class FileImport:
    """One import, run stage by stage so that a caller can show progress between stages."""

    def __init__(
        self,
        *,
        data: bytes,
        file_name: str,
        source: Organisation,
        format_name: str = "auto",
        user=None,
        dry_run: bool = False,
        sheet: str | None = None,
        all_or_nothing: bool = False,
        updatable=None,
    ):
        """`all_or_nothing` (the API's batches): a field the format does not know, or any rejected row, rejects
        the whole batch (BatchRejected) instead of quarantining rows; new cases are owned by `user`.
        `updatable`, a queryset of cases: a row that would update a case outside it is rejected."""
        self.data, self.file_name, self.source, self.format_name = data, file_name, source, format_name
        self.user, self.dry_run, self.sheet = user, dry_run, sheet
        self.all_or_nothing, self.updatable = all_or_nothing, updatable
        self.batch: ImportBatch | None = None
        self.repeated = False  # the file was imported before and changes nothing: self.batch is that import

    def stages(self) -> Iterator[str]:
        """Read, check, then store (all or nothing); yields a progress message after each. Raises ImportRefused."""
        data, self.data = self.data, b""  # the file is read once; hold no second copy while storing
        sha256 = hashlib.sha256(data).hexdigest()
        try:
            table = table_read(data, file_name=self.file_name, sheet=self.sheet)
            fmt = formats.detect(table.header) if self.format_name == "auto" else formats.get(self.format_name)
            amparo_frame = fmt.to_amparo(table, formats.ImportContext(sha256))
            check_case_parts(amparo_frame, import_limits(), fmt.source_columns(table.header))
        except (ReadError, formats.FormatError) as error:
            raise ImportRefused(str(error)) from error
        total = table.frame.height + len(table.ragged_rows)
        del data
        if total == 0:
            raise ImportRefused(_("The file has a header but no rows."))
        yield _("Read %(rows)s rows in %(format)s format.") % {"rows": total, "format": fmt.LABEL}

        normalised = normalise_cases(amparo_frame, today=timezone.localdate())
        rejected = _problem_rows(table, normalised, fmt)
        if self.all_or_nothing:
            for row, problems in _unknown_fields(table, fmt).items():
                rejected.setdefault(row, []).extend(problems)
            if rejected:
                raise BatchRejected(rejected)
        # In one piece: the plan's filters and the chunked inserts would each copy a frame still in pieces
        # (peak memory in docs/benchmarks.md).
        valid = _with_fingerprints(normalised.frame).rechunk()
        del normalised, amparo_frame  # the table stays: provenance keeps its rows as they were
        yield _("Checked: %(valid)s rows valid, %(rejected)s rejected.") % {
            "valid": valid.height,
            "rejected": len(rejected),
        }
        with transaction.atomic(), large_page_cache():
            if isinstance(self.source, NewSource):
                self.source = self.source.create()
            plan = _plan(valid, self.source)
            del valid
            if self.updatable is not None:
                _refuse_outside(plan, self.updatable)
            # A client of the API is answered with what its call did (all unchanged), not an earlier batch's.
            latest = None if self.all_or_nothing else self._latest_import_of(sha256)
            if latest is not None and not self.dry_run and _repeats(plan, rejected, latest):
                self._repeat(latest, plan)
            else:
                yield from self._store(sha256, fmt, plan, table, rejected, total)
        if self.repeated:
            yield _(
                "This file was already imported from this source in batch %(batch)s, and importing it again "
                "changes nothing: no new batch was made."
            ) % {"batch": self.batch.pk}
        elif self.dry_run:
            yield _("Dry run: nothing was stored.")
        else:
            yield _("Stored %(created)s new cases, updated %(updated)s, %(unchanged)s unchanged.") % {
                "created": self.batch.created,
                "updated": self.batch.updated,
                "unchanged": self.batch.unchanged,
            }

    def _latest_import_of(self, sha256: str) -> ImportBatch | None:
        """The latest import (not a dry run) of the same file from the same source, if any."""
        return ImportBatch.objects.filter(source=self.source, sha256=sha256, dry_run=False).order_by("-id").first()

    def _repeat(self, latest: ImportBatch, plan: _Plan) -> None:
        """Name the import this file repeats instead of making a batch that would say the same again."""
        audit_record(
            user=self.user,
            action=AuditAction.IMPORT,
            obj=latest,
            username="amparo import",
            details={"repeated": True, "unchanged": plan.unchanged, "rejected": latest.rejected},
        )
        self.batch, self.repeated = latest, True

    def _store(self, sha256, fmt, plan: _Plan, table, rejected, total) -> Iterator[str]:
        """Store the batch, its rejected rows, then the cases a part at a time; a file of more than one part
        reports each as it is stored, so a long import shows its progress. Sets self.batch."""
        previous = ImportBatch.objects.filter(source=self.source, sha256=sha256, dry_run=False).order_by("id").first()
        batch = ImportBatch.objects.create(
            source=self.source,
            file_name=self.file_name[:255],
            sha256=sha256,
            format=fmt.NAME,
            user=self.user,
            dry_run=self.dry_run,
            rows=total,
            created=plan.new.height,
            updated=plan.changed.height,
            unchanged=plan.unchanged,
            rejected=len(rejected),
            same_file_as=previous,
        )
        rejected_originals = dict(_originals(table, pl.Series(list(rejected), dtype=pl.Int64)).iter_rows())
        QuarantinedRow.objects.bulk_create(
            [
                QuarantinedRow(
                    batch=batch,
                    row_number=row,
                    original_sealed=rejected_originals[row],
                    problems_sealed=json.dumps(problems, ensure_ascii=False),
                )
                for row, problems in sorted(rejected.items())
            ],
            batch_size=2000,
        )
        if not self.dry_run:
            done, in_parts = 0, plan.new.height > bulk.CHUNK
            for part, ids in registry.cases_bulk_register(
                frame=plan.new,
                source=self.source,
                owner=self.user if self.all_or_nothing else None,
                is_synthetic=self.source.is_synthetic,
            ):
                _provenance_store(
                    batch,
                    part.select(ROW, FINGERPRINT).with_columns(pl.Series("case_id", ids, dtype=pl.Int64)),
                    CaseProvenance.Action.CREATED,
                    table,
                )
                done += part.height
                if in_parts:
                    yield _("Stored %(done)s of %(total)s new cases.") % {"done": done, "total": plan.new.height}
            done, in_parts = 0, plan.changed.height > bulk.CHUNK
            for part in registry.cases_bulk_update(frame=plan.changed, case_ids=plan.changed["case_id"].to_list()):
                _provenance_store(batch, part.select(ROW, FINGERPRINT, "case_id"), CaseProvenance.Action.UPDATED, table)
                done += part.height
                if in_parts:
                    yield _("Updated %(done)s of %(total)s changed cases.") % {
                        "done": done,
                        "total": plan.changed.height,
                    }
            audit_record(
                user=self.user,
                action=AuditAction.IMPORT,
                obj=batch,
                username="amparo import",
                details={
                    "created": batch.created,
                    "updated": batch.updated,
                    "unchanged": batch.unchanged,
                    "rejected": batch.rejected,
                    "format": fmt.NAME,
                    "sha256": sha256,
                },
            )
        batch.finished_at = timezone.now()
        batch.save(update_fields=["finished_at"])
        self.batch = batch


def _repeats(plan: _Plan, rejected: dict, latest: ImportBatch) -> bool:
    """Whether importing the file again would end as its latest import did: no case to create or change,
    and the same rows rejected (the rules that check rows may have changed since)."""
    return plan.new.height == 0 and plan.changed.height == 0 and len(rejected) == latest.rejected


def file_import(*, progress: Progress | None = None, **options) -> ImportBatch:
    """Import one file from one source (see FileImport); returns its batch with the counts (for a file imported
    before that changes nothing, the batch of that import)."""
    job = FileImport(**options)
    for message in job.stages():
        if progress:
            progress(message)
    return job.batch


def _provenance_store(batch, entries: pl.DataFrame, action: str, table) -> None:
    """One provenance row per case (entries: ROW, FINGERPRINT, case_id); original rows sealed by blocks."""
    for part in entries.iter_slices(bulk.CHUNK):  # the originals of a chunk at once, not of each block
        part = part.join(_originals(table, part[ROW]), on=ROW, how="left", maintain_order="left").with_columns(
            pl.format('"{}":{}', ROW, ORIGINAL).alias(ORIGINAL)
        )
        blocks = OriginalRowBlock.objects.bulk_create(
            [
                OriginalRowBlock(batch=batch, rows_sealed="{" + ",".join(chunk[ORIGINAL].to_list()) + "}")
                for chunk in part.iter_slices(BLOCK_ROWS)
            ]
        )
        block_ids = pl.Series([block.pk for block in blocks]).gather(
            pl.int_range(part.height, eager=True) // BLOCK_ROWS
        )
        insert_rows(
            CaseProvenance,
            {
                "case_id": part["case_id"].to_list(),
                "row_number": part[ROW].to_list(),
                "content_hash": part[FINGERPRINT].to_list(),
                "block_id": block_ids.to_list(),
            },
            {"batch_id": batch.pk, "action": str(action)},
        )
