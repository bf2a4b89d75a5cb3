"""`amparo link` on the real database: its clusters file, and clear messages for what cannot be linked."""

import io

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from amparo.linkage.models import LinkageRun
from amparo.registry.models import Case, Organisation
from amparo.registry.services import cases_register
from tests.linkage.conftest import ORGANISATIONS, anonymous_case


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _link(*args) -> str:
    out = io.StringIO()
    call_command("link", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_clusters_file_has_one_row_per_case_and_counts_the_victims(registered_sources, previous_run, tmp_path):
    path = tmp_path / "clusters.csv"
    output = _link("--reuse-model", "--clusters-out", str(path))
    clusters = pl.read_csv(path, infer_schema=False)
    assert clusters.columns == ["source", "source_record_id", "victim"]
    assert clusters.height == Case.objects.count() == len(registered_sources)
    assert set(zip(clusters["source"], clusters["source_record_id"])) == set(registered_sources)
    true_people = len(set(registered_sources.values()))
    assert abs(clusters["victim"].n_unique() - true_people) <= 0.02 * true_people
    assert clusters["victim"].str.contains(r"^V\d+$").all()
    run = LinkageRun.objects.latest("id")
    assert f"into {run.clusters} victims" in output and f"Wrote {clusters.height} cases to {path}" in output


@pytest.mark.django_db
def test_one_source_only_is_linked_with_a_note(reports_2010, previous_run):
    name, org_type = ORGANISATIONS["police"]
    police = Organisation.objects.create(name=name, org_type=org_type)
    cases_register(records=[r.case.record for r in reports_2010 if r.source == "police"], source=police)
    output = _link("--reuse-model")
    assert "from 1 sources" in output
    assert "Only one source: this run found that source's duplicates" in output


@pytest.mark.django_db
def test_an_empty_registry_gets_a_message_not_a_traceback():
    with pytest.raises(CommandError, match="The registry holds no victims' records: there is nothing to link"):
        _link()


@pytest.mark.django_db
def test_records_without_identities_get_a_message(organisation):
    cases_register(records=[anonymous_case(n) for n in range(2)], source=organisation)
    with pytest.raises(CommandError, match="None of the 2 victims' records has a name, a birth date or an identity"):
        _link()


@pytest.mark.django_db
@pytest.mark.parametrize("link, review", [("0.5", "0.9"), ("1.5", "0.5"), ("high", "0.5"), ("0.9", "0")])
def test_bad_thresholds_are_named(link, review):
    with pytest.raises(CommandError, match=f"--link-threshold {link} --review-threshold {review}: expected"):
        _link("--link-threshold", link, "--review-threshold", review)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["clusters.xlsx", "missing/clusters.csv"])
def test_a_bad_clusters_file_is_refused_before_linking(tmp_path, name):
    with pytest.raises(CommandError, match="expected a .csv file in an existing directory"):
        _link("--clusters-out", str(tmp_path / name))
    assert not LinkageRun.objects.exists()
