"""Loading the synthetic registry into the database, through the registry's bulk service."""

from collections import Counter

from django.db import transaction

from amparo.registry.models import Case, Organisation
from amparo.registry.services import cases_register, organisation_get_or_create
from amparo.synth.domain.generator import SyntheticCase

# The organisations that "report" synthetic cases: named so nobody can take them for real ones.
SYNTHETIC_ORGANISATIONS = {
    "police": ("Policía Nacional (sintético)", "LawEnforcement"),
    "prosecutor": ("Fiscalía - Ministerio Público (sintético)", "CentralGovernmentOrganisation"),
    "ngo": ("ONG de protección a la infancia (sintético)", "NGO"),
    "hotline": ("Línea de denuncias contra la trata (sintético)", "CentralGovernmentOrganisation"),
}


class AlreadyLoaded(ValueError):
    """Some of these synthetic cases are already in the database."""

    def __init__(self, count: int, first: str):
        self.count, self.first = count, first
        super().__init__(f"{count} of these synthetic cases are already loaded (first: {first})")


def synthetic_organisations() -> dict[str, Organisation]:
    organisations = {}
    for source, (name, org_type) in SYNTHETIC_ORGANISATIONS.items():
        organisations[source] = organisation_get_or_create(name=name, org_type=org_type, is_synthetic=True)
    return organisations


@transaction.atomic
def synth_load(*, cases: list[SyntheticCase]) -> Counter:
    """Store the synthetic cases (all or nothing), each under its source's synthetic organisation.

    Returns the number of cases stored per year. Refuses cases whose source
    record ids are already stored, so running twice never doubles the registry.
    """
    organisations = synthetic_organisations()
    stored = set(
        Case.objects.filter(source_organisation__in=organisations.values()).values_list(
            "source_organisation_id", "source_record_id"
        )
    )
    clashes = [c for c in cases if (organisations[c.source].pk, c.record.source_record_id) in stored]
    if clashes:
        raise AlreadyLoaded(len(clashes), clashes[0].record.source_record_id)
    for source, organisation in organisations.items():
        records = [c.record for c in cases if c.source == source]
        if records:
            cases_register(records=records, source=organisation, is_synthetic=True)
    return Counter(c.year for c in cases)
