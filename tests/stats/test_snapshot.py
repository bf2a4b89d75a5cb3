"""The statistics' snapshot of the registry: kept in memory, sealed on disk, never stale."""

import os
import stat

import polars as pl
from polars.testing import assert_frame_equal

from amparo.core import crypto, sql_frames
from amparo.registry import services as registry_services
from amparo.stats import engine, snapshot
from amparo.stats.engine import CaseFilter

Y2010 = CaseFilter(years=(2010,))


def _as_new_process():
    snapshot._cached.clear()


def test_the_snapshot_is_kept_sealed_on_disk_for_the_owner_only(registry):
    engine.count_by("department", Y2010)
    path = snapshot.persisted_path()
    content = path.read_bytes()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    for clear_text in (b"150101", b"SexualExploitation", b"ActualVictimOfTrafficking", b"friend_acquaintance"):
        assert clear_text not in content


def test_another_process_reads_the_sealed_copy_instead_of_the_database(registry, django_assert_num_queries):
    in_memory = snapshot.current()
    _as_new_process()
    with django_assert_num_queries(2):  # the registry's and the clusters' revision tokens only
        from_disk = snapshot.current()
    for name in snapshot.FRAMES:
        assert_frame_equal(getattr(from_disk, name), getattr(in_memory, name))
    assert engine.count_by("department", Y2010).row("15").count == 5


def test_a_copy_read_at_another_revision_is_not_used(registry, django_assert_num_queries):
    snapshot.current()
    registry_services.registry_changed()
    _as_new_process()
    # the two tokens, then cases, linked victims, route events, exploitation types and perpetrators
    with django_assert_num_queries(7):
        snapshot.current()


def test_a_copy_sealed_with_a_retired_key_is_read_again_from_the_database(registry):
    first = snapshot.current()
    retired = crypto.KeyRing.generate(key_id="retired")
    snapshot.persisted_path().write_bytes(crypto.seal_bytes(b"{}", snapshot.PURPOSE, retired))
    _as_new_process()
    again = snapshot.current()
    assert_frame_equal(again.cases, first.cases)


def test_a_copy_sealed_without_the_route_columns_is_read_again_from_the_database(registry):
    first = snapshot.current()
    older = snapshot.Snapshot(
        first.cases.drop(*snapshot.ROUTE_COLUMNS), first.exploitation, first.relationships, revision=first.revision
    )
    snapshot._write(older, str(snapshot.connection.settings_dict["NAME"]), first.revision)
    _as_new_process()
    assert_frame_equal(snapshot.current().cases, first.cases)


def test_a_tampered_copy_is_read_again_from_the_database(registry):
    first = snapshot.current()
    path = snapshot.persisted_path()
    content = bytearray(path.read_bytes())
    content[-1] ^= 1
    path.write_bytes(bytes(content))
    _as_new_process()
    assert_frame_equal(snapshot.current().cases, first.cases)


def test_key_rotation_removes_the_sealed_copy(registry):
    from django.core.management import call_command

    snapshot.current()
    assert snapshot.persisted_path().exists()
    call_command("rotate_keys", "--reseal-only")
    assert not snapshot.persisted_path().exists()


def test_the_snapshot_holds_no_identifying_column(registry):
    current = snapshot.current()
    columns = set(current.cases.columns) | set(current.exploitation.columns) | set(current.relationships.columns)
    assert not columns & {"first_name", "second_name", "birthdate", "identity_number", "address", "phone"}
    assert current.cases.schema["family_facilitated"] == pl.Boolean


def test_a_new_caregiver_does_not_make_the_statistics_reload(registry, django_assert_num_queries):
    from amparo.registry.models import Person

    snapshot.current()
    Person.objects.create(gender="Feminine", citizenship="PE")
    # the registry's and the clusters' revision tokens only: nothing the statistics count changed
    with django_assert_num_queries(2):
        snapshot.current()


def test_reading_by_parts_gives_what_one_plain_query_gives(registry, monkeypatch):
    """Parts of three case ids (some empty, after deletions) against the rows of one ORM query, counted
    without the snapshot's own reader."""
    from amparo.registry.models import Case, CaseCode, Perpetrator

    doomed = list(Case.objects.order_by("id").values_list("id", flat=True)[3:9])
    Case.objects.filter(id__in=doomed).delete()
    monkeypatch.setattr(sql_frames, "KEYS_PER_PART", 3)
    loaded = snapshot.load()
    cases = sorted(Case.objects.values_list("id", "victim__gender", "age_when_trafficked", "family_facilitated"))
    assert loaded.cases.select("id", pl.col("gender").cast(pl.String), "age", "family_facilitated").rows() == [
        (i, g, a, f) for i, g, a, f in cases
    ]
    exploitation = sorted(CaseCode.objects.filter(field=CaseCode.Field.EXPLOITATION).values_list("case_id", "code"))
    assert sorted(loaded.exploitation.with_columns(pl.col("code").cast(pl.String)).rows()) == exploitation
    relationships = sorted(set(Perpetrator.objects.values_list("case_id", "relationship")))
    assert sorted(loaded.relationships.with_columns(pl.col("code").cast(pl.String)).rows()) == relationships
    assert len(cases) > 3 * 2 and loaded.cases["id"].max() > 3 * 3  # several parts, one of them empty
