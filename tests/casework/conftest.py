"""Cases for casework tests: one family-facilitated (the mother recruited the girl), one not."""

from datetime import date

import pytest

from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import case_register
from tests.personas import make_user

MOTHER_DNI = "41234567"


def family_record(source_record_id="FAM-1") -> CaseRecord:
    return CaseRecord(
        source_record_id=source_record_id,
        registration_date=date(2024, 2, 1),
        victim=PersonRecord("Feminine", "PE", "Chaska", "Inquill Prueba", date(2011, 5, 4), "79990001"),
        exploitation_types=["SexualExploitation"],
        age_when_trafficked=12,
        perpetrators=[
            PerpetratorRecord(
                "parent",
                True,
                ["RecruiterOrIntermediary"],
                PersonRecord(first_name="Madre", second_name="Prueba", identity_number=MOTHER_DNI),
            )
        ],
        events=[EventRecord("Exploitation", "150132", date=date(2024, 1, 10))],
    )


@pytest.fixture
def family_case(organisation, case_worker):
    return case_register(record=family_record(), source=organisation, owner=case_worker)


@pytest.fixture
def other_case(organisation, case_worker):
    record = CaseRecord(
        source_record_id="EMP-1",
        registration_date=date(2024, 2, 1),
        victim=PersonRecord("Masculine", "PE"),
        exploitation_types=["ForcedLabour"],
        perpetrators=[PerpetratorRecord("employer", False)],
        events=[EventRecord("Exploitation", "170101")],
    )
    return case_register(record=record, source=organisation, owner=case_worker)


@pytest.fixture
def second_supervisor(organisation):
    return make_user("second_supervisor", "supervisor", organisation)
