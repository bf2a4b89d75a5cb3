"""A model trained once per session on the synthetic registry's multi-source reports of 2010."""

import pytest
from django.utils import translation

from amparo.linkage.domain import engine
from amparo.linkage.domain.evaluation import synthetic_records

SOURCES = ["police", "prosecutor", "ngo", "hotline"]


@pytest.fixture(scope="session")
def sources_2010():
    """(records, truth): the reports of 2010's synthetic victims by four sources, and who is who."""
    return synthetic_records("2010", "1", SOURCES, seed=1)


@pytest.fixture(scope="session")
def trained_model(sources_2010):
    records, _ = sources_2010
    return engine.score(records, threshold=0.9).model


ORGANISATIONS = {
    "police": ("Policía Nacional (sintético)", "CentralGovernmentOrganisation"),
    "prosecutor": ("Ministerio Público (sintético)", "CentralGovernmentOrganisation"),
    "ngo": ("ONG (sintético)", "NGO"),
    "hotline": ("Línea 1818 (sintético)", "CentralGovernmentOrganisation"),
}


@pytest.fixture(scope="session")
def reports_2010():
    from amparo.synth.domain import sources
    from amparo.synth.domain.generator import SynthOptions, generate

    return sources.reports(generate(SynthOptions(seed=1, first_year=2010, last_year=2010)), SOURCES, seed=1)


@pytest.fixture
def registered_sources(db, reports_2010):
    """The 2010 reports stored as each source's cases; returns {(organisation, source_record_id): person_key}."""
    from amparo.registry.models import Organisation
    from amparo.registry.services import cases_register

    truth = {}
    for source, (name, org_type) in ORGANISATIONS.items():
        organisation = Organisation.objects.create(name=name, org_type=org_type, is_synthetic=True)
        mine = [report for report in reports_2010 if report.source == source]
        cases_register(records=[report.case.record for report in mine], source=organisation, is_synthetic=True)
        truth.update({(name, report.case.record.source_record_id): report.case.person_key for report in mine})
    return truth


@pytest.fixture
def previous_run(db, trained_model):
    """A finished run holding the session's trained model, so later runs may reuse it instead of training."""
    from django.utils import timezone

    from amparo.linkage.models import LinkageRun

    return LinkageRun.objects.create(
        model=trained_model, link_threshold=0.9, review_threshold=0.5, code_version="test", finished_at=timezone.now()
    )


def anonymous_case(number: int):
    """A case whose victim has no name, birth date or identity number."""
    from datetime import date

    from amparo.registry.records import CaseRecord, EventRecord, PersonRecord

    return CaseRecord(
        source_record_id=f"ANON-{number}",
        registration_date=date(2024, 5, 6),
        victim=PersonRecord("Feminine", "PE"),
        age_when_trafficked=15,
        events=[EventRecord("Exploitation", "150101")],
    )


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, the source language; Spanish has its own tests."""
    with translation.override("en"):
        yield
