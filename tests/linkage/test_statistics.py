"""The statistics' "victims" count the people linkage found: before a run, the records; after `amparo link`
and after each review decision, the linked victims, as the clusters file and the synthetic truth count them."""

import io
import json

import polars as pl
import pytest
from django.core.management import call_command

from amparo.linkage.models import ClusterMembership, LinkageRun
from amparo.linkage.services import pair_decide
from amparo.registry.models import Case
from amparo.reports.annual import build_annual_report


def _victims_by_year() -> int:
    out = io.StringIO()
    call_command("stats", "--by", "year", "--unit", "victims", "--format", "json", "--exact", stdout=out)
    return sum(row["victims"] for row in json.loads(out.getvalue())["rows"] if row["code"] != "total")


@pytest.mark.django_db
def test_victims_count_linked_people_after_a_run_and_a_decision(
    registered_sources, previous_run, data_manager, tmp_path
):
    cases = len(registered_sources)
    true_people = len(set(registered_sources.values()))
    assert true_people < cases  # the sources hold the same children
    assert _victims_by_year() == cases  # unlinked: one victim per record

    path = tmp_path / "clusters.csv"
    call_command("link", "--reuse-model", "--clusters-out", str(path), stdout=io.StringIO())
    linked = pl.read_csv(path, infer_schema=False)["victim"].n_unique()
    assert _victims_by_year() == linked
    assert abs(linked - true_people) <= 0.02 * true_people

    keys = dict(ClusterMembership.objects.values_list("person_id", "cluster_key"))
    first, last = min(keys), max(keys)  # the first and last victims registered: two linked victims
    assert keys[first] != keys[last]
    pair_decide(user=data_manager, first_id=first, second_id=last, verdict="accept")
    assert _victims_by_year() == linked - 1
    assert Case.objects.count() == cases


def _stats_table() -> str:
    out = io.StringIO()
    call_command("stats", "--by", "year", "--unit", "victims", "--lang", "en", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_before_a_run_victims_say_they_are_unlinked_records_and_after_it_the_report_says_how_linked(
    registered_sources, previous_run
):
    previous_run.delete()
    before = build_annual_report(year=2010, lang="en", suppress=False, unit="victims")
    assert before.unit_label == "victims (unlinked records: no linkage run yet)"
    assert any("each victim counted here is one unlinked record" in note for note in before.notes)
    assert not any("linked across" in sentence for sentence in before.sentences)
    assert "each victim counted is one unlinked record" in _stats_table()

    call_command("link", stdout=io.StringIO())
    people = len(set(ClusterMembership.objects.values_list("cluster_key", flat=True)))
    after = build_annual_report(year=2010, lang="en", suppress=False, unit="victims")
    assert after.unit_label == "victims (unique persons)"
    assert "unlinked record" not in _stats_table()
    linked_on = LinkageRun.objects.latest("id").finished_at
    expected = f"{len(registered_sources):,} reports of {people:,} victims, linked across 4 sources on "
    assert [s for s in after.sentences if s.startswith(expected) and s.endswith(f" {linked_on.year}.")]
