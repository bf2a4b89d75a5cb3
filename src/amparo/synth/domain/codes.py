"""The coded fields of a synthetic case: exploitation, control, recruitment, status and legal article."""

import random
from datetime import date

from amparo.core.codelists import RELATIVE_RELATIONSHIPS
from amparo.registry.records import CaseRecord
from amparo.synth.domain.calibration import LAST_YEAR
from amparo.synth.domain.draw import pick, pick_several

# Ley 31146 renumbered the trafficking offences of the Penal Code (153 -> 129-A, 153-A -> 129-B).
PENAL_CODE_RENUMBERED = date(2021, 3, 30)

CONTROL_SHARES = {
    "sexual": {
        "FalsePromises": 30,
        "PsychoactiveSubstance": 15,
        "DebtBondage": 15,
        "PhysicalThreats": 12,
        "TakesEarnings": 12,
        "PsychologicalAbuse": 12,
        "SexualAbuse": 10,
        "RestrictsMovement": 8,
    },
    "labour": {
        "FalsePromises": 30,
        "DebtBondage": 20,
        "ExcessiveWorkingHours": 20,
        "TakesEarnings": 15,
        "WithholdsDocuments": 10,
        "RestrictsMovement": 10,
        "PhysicalThreats": 5,
    },
    "servitude": {
        "ExcessiveWorkingHours": 25,
        "TakesEarnings": 15,
        "PsychologicalAbuse": 20,
        "RestrictsMovement": 15,
        "WithholdsNecessities": 10,
        "PhysicalAbuse": 10,
        "FalsePromises": 10,
    },
    "begging": {
        "PhysicalAbuse": 25,
        "TakesEarnings": 30,
        "PsychologicalAbuse": 20,
        "WithholdsNecessities": 15,
        "ThreatensChildrenFamily": 10,
    },
}
KIND_CONTROL = {
    "sexual": "sexual",
    "mining": "labour",
    "agriculture": "labour",
    "trade": "labour",
    "servitude": "servitude",
    "begging": "begging",
}
INDUSTRY = {
    "mining": "B_MiningAndQuarrying",
    "agriculture": "A_AgricultureForestryAndFishing",
    "servitude": "T_ActivitiesOfHouseholdsAsEmployers",
}
TRADE_INDUSTRIES = {
    "G_WholesaleAndRetailTradeRepairOfMotorVehicles": 50,
    "C_Manufacturing": 25,
    "I_AccommodationAndFoodServiceActivities": 25,
}
REGIONS_WITH_BAR_WORK = frozenset({"mining_jungle", "jungle", "mining_andes"})
DECISION_ORG = {"police": "Police", "prosecutor": "CourtOrProsecution", "ngo": "NGO", "hotline": ""}


def _sex_exploitation_types(rng: random.Random, year: int) -> list[str]:
    shares = {"Prostitution": 75, "PrivateSexualServices": 12, "Pornography": 6}
    if year >= 2016:
        shares["RemoteInteractiveServices"] = 7
    return [pick(rng, shares)]


def _recruitment(rng: random.Random, record: CaseRecord, year: int) -> list[str]:
    relationship = record.perpetrators[0].relationship
    online = year >= 2014 and rng.random() < min(0.6, 0.08 * (year - 2013))
    if relationship in RELATIVE_RELATIONSHIPS or record.perpetrators[0].lives_in_household:
        methods = ["ThroughFamilyOrFamilyEvents"]
    elif relationship == "intimate_partner":
        methods = ["ThroughOnlineSocialNetworks" if online else "ThroughFriendsOrSocialEvents"]
    elif relationship == "friend_acquaintance":
        methods = [
            pick(rng, {"ThroughFriendsOrSocialEvents": 70, "AtAnEducationalInstitution": 15, "AtAPlaceOfBusiness": 15})
        ]
    elif relationship == "employer":
        methods = [
            "AtWork"
            if rng.random() < 0.4
            else ("ThroughAnOnlineAdvertisement" if online else "ThroughANewspaperAdvert")
        ]
    elif relationship == "stranger":
        methods = [
            "ThroughOnlineSocialNetworks"
            if online
            else pick(rng, {"ThroughANewspaperAdvert": 60, "AtAPlaceOfBusiness": 40})
        ]
    else:
        methods = ["Other"]
    if online and "ThroughOnlineSocialNetworks" not in methods and rng.random() < 0.1:
        methods.append("ThroughOnlineSocialNetworks")
    return methods


def _status(rng: random.Random, year: int) -> tuple[str, str]:
    """(cas_Status, vic_TraffickingStatus): old cases are closed, recent ones still open."""
    age = LAST_YEAR - year
    if age >= 5:
        status = pick(rng, {"Closed": 60, "ClosedReferred": 30, "FollowUp": 10})
    elif age >= 2:
        status = pick(rng, {"Closed": 30, "ClosedReferred": 20, "FollowUp": 30, "Active": 20})
    else:
        status = pick(rng, {"Active": 60, "FollowUp": 30, "ClosedReferred": 10})
    if age >= 4:
        trafficking = pick(
            rng, {"ActualVictimOfTrafficking": 70, "PossibleVictimOfTrafficking": 28, "NotAVictimOfTrafficking": 2}
        )
    else:
        trafficking = pick(
            rng, {"ActualVictimOfTrafficking": 45, "PossibleVictimOfTrafficking": 53, "NotAVictimOfTrafficking": 2}
        )
    return status, trafficking


def _legal_article(rng: random.Random, record: CaseRecord) -> str:
    """Aggravated trafficking when the victim is a minor, a relative trafficked them or a network did."""
    if rng.random() < 0.03:
        return "Other"
    aggravating = (
        (record.age_when_trafficked or 0) < 18
        or any(p.relationship in RELATIVE_RELATIONSHIPS for p in record.perpetrators)
        or record.organised_network == "yes"
    )
    aggravated = rng.random() < (0.85 if aggravating else 0.15)
    if record.registration_date >= PENAL_CODE_RENUMBERED:
        return "CP-129-B" if aggravated else "CP-129-A"
    return "CP-153-A" if aggravated else "CP-153"


def fill(rng: random.Random, record: CaseRecord, *, kind: str, region: str, source: str, year: int) -> None:
    """Set the coded fields of a case whose victim, perpetrators and events are already drawn."""
    minor = (record.age_when_trafficked or 0) < 18
    if kind == "sexual":
        record.exploitation_types = ["SexualExploitation"]
        record.sex_exploitation_types = _sex_exploitation_types(rng, year)
        if region in REGIONS_WITH_BAR_WORK and rng.random() < 0.12:
            record.exploitation_types.append("ForcedLabour")
            record.forced_labour_industry = "I_AccommodationAndFoodServiceActivities"
    elif kind == "servitude":
        record.exploitation_types = ["Servitude"]
        record.forced_labour_industry = INDUSTRY[kind]
        if (record.age_when_trafficked or 0) < 14 and rng.random() < 0.3:
            record.exploitation_types.append("ChildLabour")
    elif kind == "begging":
        record.exploitation_types = ["ForcedBegging"]
    else:
        record.exploitation_types = ["ForcedLabour"]
        record.forced_labour_industry = INDUSTRY.get(kind) or pick(rng, TRADE_INDUSTRIES)
        if minor and rng.random() < 0.4:
            record.exploitation_types.append("ChildLabour")

    shares = CONTROL_SHARES[KIND_CONTROL[kind]]
    record.control_methods = pick_several(rng, shares, rng.choice((1, 2, 2, 3)))
    record.recruitment_methods = _recruitment(rng, record, year)
    record.status, record.trafficking_status = _status(rng, year)
    if record.trafficking_status == "ActualVictimOfTrafficking":
        record.trafficking_status_decision_org = DECISION_ORG[source]
    record.legal_article = _legal_article(rng, record)
