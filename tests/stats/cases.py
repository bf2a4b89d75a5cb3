"""A small hand-made registry whose counts are written out by hand in the tests.

2010: 12 cases (5 in Lima department, 4 of them in Lima Metropolitana; 1 in
Callao; 3 in Cusco; 2 in Madre de Dios; 1 with no place). 2011: 3 cases. The
2011 case Y01 is a second report of the victim of L01 (same person).
"""

from datetime import date

from amparo.registry.models import Case, Organisation
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import cases_register, registry_changed


def case_record(
    ref, year, ubigeo, gender, age, exploitation, relationships, network, status, citizenship="PE", household=False
):
    return CaseRecord(
        source_record_id=ref,
        registration_date=date(year, 3, 1),
        victim=PersonRecord(gender=gender, citizenship=citizenship),
        age_when_trafficked=age,
        exploitation_types=list(exploitation),
        perpetrators=[PerpetratorRecord(relationship=r, lives_in_household=household) for r in relationships],
        events=[EventRecord("Exploitation", ubigeo)] if ubigeo else [],
        organised_network=network,
        trafficking_status={"A": "ActualVictimOfTrafficking", "P": "PossibleVictimOfTrafficking"}[status],
    )


SEX, LAB, CHILD = "SexualExploitation", "ForcedLabour", "ChildLabour"
F, M = "Feminine", "Masculine"

POLICE_CASES = [
    case_record("L01", 2010, "150101", F, 14, [SEX], ["parent"], "no", "A"),
    case_record("L02", 2010, "150132", F, 15, [SEX, LAB], ["uncle_aunt", "friend_acquaintance"], "no", "A"),
    case_record("L05", 2010, "150501", F, 22, [LAB], ["employer"], "yes", "A"),
    case_record("L06", 2010, "070101", F, 19, [SEX], ["stranger"], "yes", "P", citizenship="VE"),
    case_record("C01", 2010, "080101", F, 13, [SEX], ["sibling"], "no", "A"),
    case_record("M01", 2010, "170101", F, 16, [SEX], ["friend_acquaintance"], "no", "A", household=True),
    case_record("M02", 2010, "170101", F, 40, [SEX, LAB], ["unknown"], "unknown", "P", citizenship="BO"),
    case_record("Y01", 2011, "150101", F, 12, [SEX], ["parent"], "no", "A"),
    case_record("Y03", 2011, "250101", F, 17, [SEX], ["other_relative"], "no", "P"),
]
NGO_CASES = [
    case_record("L03", 2010, "150101", M, 10, [LAB], ["parent", "parent"], "unknown", "P"),
    case_record("L04", 2010, "1501", F, 17, [SEX], ["intimate_partner"], "no", "A"),
    case_record("C02", 2010, "0801", M, 30, [LAB], ["employer", "stranger"], "no", "A"),
    case_record("C03", 2010, "08", F, None, [], [], "unknown", "P", citizenship=""),
    case_record("X01", 2010, "", "", 8, [CHILD], ["grandparent"], "no", "A"),
    case_record("Y02", 2011, "160101", M, 25, [LAB], ["employer"], "yes", "A"),
]


def register_hand_made_cases() -> dict[str, Organisation]:
    police = Organisation.objects.create(name="Police unit", org_type="LawEnforcement")
    ngo = Organisation.objects.create(name="Shelter NGO", org_type="NGO")
    cases_register(records=POLICE_CASES, source=police)
    cases_register(records=NGO_CASES, source=ngo)
    first = Case.objects.get(source_record_id="L01")
    Case.objects.filter(source_record_id="Y01").update(victim=first.victim)
    registry_changed()  # a bulk update sends no signal
    return {"police": police, "ngo": ngo}
