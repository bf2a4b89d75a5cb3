"""Exporting in Amparo or HTCDS format and importing the result into an empty registry gives the same cases:
those imported from a file, and those entered by hand, with everything a case entered by hand can hold. Every
registered format reads back, recognised as itself, every case it writes. The record key, the statistics'
internal random number, is the one column that does not travel: never exported, never imported, drawn anew
for each imported case."""

from datetime import date

import pytest

from amparo.core.record_keys import KEY_RANGE
from amparo.exchange import formats
from amparo.exchange.domain.readers import read_table
from amparo.exchange.exports import cases_export
from amparo.exchange.models import CaseProvenance, ImportBatch
from amparo.exchange.selectors import cases_frame
from amparo.exchange.services import file_import
from amparo.registry.models import Case, Organisation, Person
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import cases_register
from tests.exchange import samples

pytestmark = pytest.mark.django_db

FORMATS = [
    ("amparo", "csv"),
    ("amparo", "xlsx"),
    ("amparo", "json"),
    ("htcds", "csv"),
    ("htcds", "xlsx"),
    ("htcds", "json"),
]
EVERY_FORMAT = [(name, kind) for name, fmt in formats.FORMATS.items() for kind in fmt.KINDS]
PERPETRATOR_NAME, PERPETRATOR_DNI = "Eustaquia", "40506070"


def _empty_registry():
    CaseProvenance.objects.all().delete()
    ImportBatch.objects.all().delete()
    Case.objects.all().delete()
    Person.objects.all().delete()


@pytest.mark.parametrize("fmt, kind", FORMATS)
def test_export_then_import_into_an_empty_registry_gives_the_same_cases(fmt, kind):
    source = Organisation.objects.create(name="Origen", org_type="NGO")
    file_import(data=samples.AMPARO_CSV.encode(), file_name="casos.csv", source=source)
    before = cases_frame(include_identities=True).drop("case_id")
    content, count = cases_export(format_name=fmt, kind=kind, include_identities=True)
    _empty_registry()
    batch = file_import(data=content, file_name=f"export.{kind}", source=source)
    assert (batch.format, batch.created, batch.rejected, count) == (
        fmt,
        len(samples.AMPARO_VALID_IDS),
        0,
        before.height,
    )
    assert cases_frame(include_identities=True).drop("case_id").to_dicts() == before.to_dicts()


@pytest.mark.parametrize("fmt, kind", EVERY_FORMAT)
def test_every_registered_format_reads_back_every_case_it_writes(fmt, kind):
    source = Organisation.objects.create(name="Origen", org_type="NGO")
    cases_register(records=_hand_entered_cases(), source=source)
    file_import(data=samples.AMPARO_CSV.encode(), file_name="casos.csv", source=source)
    content, count = cases_export(format_name=fmt, kind=kind)
    _empty_registry()
    batch = file_import(data=content, file_name=f"export.{kind}", source=source)
    assert (batch.format, batch.created, batch.rejected) == (fmt, count, 0)
    assert count == 3 + len(samples.AMPARO_VALID_IDS)


def _hand_entered_cases() -> list[CaseRecord]:
    """Cases as the case form and registry services take them, with all they can hold."""
    named = PersonRecord(first_name=PERPETRATOR_NAME, second_name="Quispe; de la Cruz", identity_number=PERPETRATOR_DNI)
    described = PersonRecord(gender="Masculine", citizenship="BO", birthdate=date(1979, 8, 30))
    return [
        CaseRecord(
            "MANO-1",
            date(2024, 7, 1),
            PersonRecord("Feminine", "PE", "Zoila", "Huamán Rojas", date(2009, 2, 14), "71234567"),
            status="FollowUp",
            trafficking_status="ActualVictimOfTrafficking",
            trafficking_status_decision_org="Police",
            age_when_trafficked=14,
            organised_network="yes",
            legal_article="CP-129-A",
            exploitation_types=["SexualExploitation", "ForcedLabour"],
            control_methods=["DebtBondage", "FalsePromises"],
            recruitment_methods=["ThroughFamilyOrFamilyEvents"],
            sex_exploitation_types=["Prostitution"],
            forced_labour_industry="B_MiningAndQuarrying",
            perpetrators=[
                PerpetratorRecord("uncle_aunt", True, ["RecruiterOrIntermediary", "SoldIndividual"], named),
                PerpetratorRecord("employer", False, ["Exploiter", "ControlledIndividual"], described),
                PerpetratorRecord("parent", False, []),
            ],
            events=[  # not in the order the columns of a flat file list them
                EventRecord("Recruitment", "080101", "PE", date(2024, 1, 5), "Le ofrecieron trabajo; en la feria"),
                EventRecord("Exploitation", "150132", "PE", date(2024, 2, 1), "Bar en San Juan\nde Lurigancho"),
                EventRecord("Transit", "", "BO", date(2024, 3, 2), "Cruzó por Desaguadero \\ La Paz"),
                EventRecord("Transit", "2101", "PE", None, ""),
                EventRecord("Exploitation", "", "CL", date(2024, 4, 3), "Mina en Antofagasta"),
            ],
        ),
        CaseRecord(
            "MANO-2",
            date(2024, 7, 2),
            PersonRecord("Masculine"),
            age_when_trafficked=16,
            perpetrators=[
                PerpetratorRecord("friend_acquaintance", False, ["Transporter"]),
                PerpetratorRecord("stranger", False, [], PersonRecord(gender="Feminine")),
            ],
            events=[EventRecord("Exploitation", "", "PE", None, "En algún lugar del Perú")],
        ),
        CaseRecord("MANO-3", date(2024, 7, 3)),
    ]


def _registry(*, identities: bool = True) -> dict[str, list]:
    """The registry table by table, read through the ORM, rows keyed by their case's source_record_id (and
    their place in the case) instead of ids; without identities, as an export without them leaves it (free-text
    event descriptions, which may name people, included)."""

    def person(p: Person | None):
        if p is None:
            return None
        identity = getattr(p, "identity", None) if identities else None
        if identity is None and not (p.gender or p.citizenship):
            return None  # a person of whom only identifying fields were known
        return (
            p.gender,
            p.citizenship,
            p.is_synthetic,
            None
            if identity is None
            else (
                identity.first_name,
                identity.second_name,
                identity.birthdate,
                identity.identity_number,
                identity.identity_number_hash,
                identity.address,
                identity.phone,
            ),
        )

    tables = {"cases": [], "victims": [], "codes": [], "perpetrators": [], "events": []}
    for case in Case.objects.select_related("victim").order_by("source_record_id"):
        key = case.source_record_id
        tables["cases"].append(
            {
                f.name: getattr(case, f.attname)
                for f in Case._meta.concrete_fields
                if f.name not in ("id", "victim", "created_at", "updated_at", "record_key")
            }
        )
        tables["victims"].append((key, person(case.victim)))
        tables["codes"] += [(key, c.field, c.code) for c in case.coded_values.order_by("id")]
        tables["perpetrators"] += [
            (key, i, p.relationship, p.lives_in_household, p.roles, person(p.person))
            for i, p in enumerate(case.perpetrators.select_related("person").order_by("id"))
        ]
        tables["events"] += [
            (key, i, e.event_type, e.country, e.ubigeo, e.date, e.description if identities else "")
            for i, e in enumerate(case.events.order_by("id"))
        ]
    return tables


def _record_keys() -> dict[str, int]:
    return dict(Case.objects.values_list("source_record_id", "record_key"))


@pytest.mark.parametrize("identities", [True, False], ids=["with identities", "without identities"])
@pytest.mark.parametrize("fmt, kind", FORMATS)
def test_hand_entered_cases_come_back_whole(fmt, kind, identities):
    source = Organisation.objects.create(name="Registro a mano", org_type="NGO")
    cases_register(records=_hand_entered_cases(), source=source)
    expected = _registry(identities=identities)
    keys_before = _record_keys()
    assert sum(p[-1] is not None for p in expected["perpetrators"]) == (2 if identities else 1) + 1
    content, count = cases_export(format_name=fmt, kind=kind, include_identities=identities)
    exported = read_table(content).frame
    cells = " ".join(str(v) for row in exported.rows() for v in row)
    assert (PERPETRATOR_DNI in cells) == (PERPETRATOR_NAME in cells) == identities
    assert not any("key" in column.lower() for column in exported.columns)
    assert not any(str(key) in cells for key in keys_before.values())
    _empty_registry()
    batch = file_import(data=content, file_name=f"export.{kind}", source=source)
    assert (batch.format, batch.created, batch.rejected, count) == (fmt, 3, 0, 3)
    assert _registry() == expected
    keys_after = _record_keys()
    assert keys_after.keys() == keys_before.keys()
    assert all(0 <= key < KEY_RANGE for key in keys_after.values())
    # Drawn anew from 2^31 values: one equal to the exported case's key would mean the key travelled.
    assert all(keys_after[case] != key for case, key in keys_before.items())


def test_a_record_key_column_in_a_file_does_not_set_the_stored_key():
    """A key chosen by whoever writes the file would let them choose the statistics' perturbation."""
    chosen = 123456789
    header, first, *rest = samples.AMPARO_CSV.splitlines()
    content = "\n".join([f"{header},record_key", f"{first},{chosen}", *(f"{row}," for row in rest)])
    source = Organisation.objects.create(name="Origen", org_type="NGO")
    batch = file_import(data=content.encode(), file_name="casos.csv", source=source)
    assert batch.created == len(samples.AMPARO_VALID_IDS)
    assert chosen not in _record_keys().values()
