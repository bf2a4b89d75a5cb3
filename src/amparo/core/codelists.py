"""Every codelist Amparo stores or exchanges, in one place.

Codes are the HTCDS v2.0 value names ("HTCDS by IOM", CC BY 4.0) where the
standard has them; Amparo's own lists (detailed recruiter relationship,
organised network, legal article) use short English codes. Labels are
translatable; the stored code never changes with the language.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    synonyms: tuple[str, ...] = ()

    def labels(self) -> tuple[str, ...]:
        """The label in every language Amparo speaks: what Amparo writes, and so must read back."""
        spellings = []
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                spellings.append(str(self.label))
        return tuple(dict.fromkeys(spellings))


@dataclass(frozen=True)
class Codelist:
    """An ordered list of codes; order is the display order."""

    name: str
    codes: tuple[Code, ...]
    _by_code: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_code", {c.code: c for c in self.codes})

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self):
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def label(self, code: str) -> str:
        return self._by_code[code].label

    @property
    def values(self) -> list[str]:
        return [c.code for c in self.codes]

    @property
    def choices(self) -> list[tuple[str, str]]:
        """Choices for Django model and form fields."""
        return [(c.code, c.label) for c in self.codes]


def _codelist(name: str, *codes: Code) -> Codelist:
    return Codelist(name, tuple(codes))


GENDER = _codelist(
    "prs_Gender",
    Code("Feminine", _("Female"), ("f", "female", "femenino", "mujer", "woman", "girl", "nina", "femenina")),
    Code("Masculine", _("Male"), ("m", "male", "masculino", "hombre", "man", "boy", "nino", "varon")),
    Code("TransgenderFeminine", _("Transgender feminine"), ("trans feminine", "mujer trans")),
    Code("TransgenderMasculine", _("Transgender masculine"), ("trans masculine", "hombre trans")),
    Code("NonConforming", _("Non-conforming"), ("non conforming", "no binario", "nonbinary", "non binary")),
    Code(
        "NonSpecifiedUnknown",
        _("Not specified / unknown"),
        ("unknown", "desconocido", "no especificado", "nonspecified"),
    ),
)

# The standard's code for a sex not known. A sex left empty means the same, so statistics and releases count
# both as one "unknown", beside the known sexes, and a filter on either selects both.
GENDER_UNKNOWN = "NonSpecifiedUnknown"
KNOWN_GENDERS: tuple[str, ...] = tuple(code for code in GENDER.values if code != GENDER_UNKNOWN)

TRAFFICKING_STATUS = _codelist(
    "vic_TraffickingStatus",
    Code("ActualVictimOfTrafficking", _("Victim of trafficking"), ("actual", "victima", "victim")),
    Code(
        "PossibleVictimOfTrafficking",
        _("Possible victim of trafficking"),
        ("possible", "presunta victima", "posible victima"),
    ),
    Code("NotAVictimOfTrafficking", _("Not a victim of trafficking"), ("not a victim", "no victima")),
)

TRAFFICKING_STATUS_DECISION_ORG = _codelist(
    "vic_TraffickingStatusDecisionMakingOrg",
    Code("Police", _("Police"), ("policia", "pnp")),
    Code("NGO", _("NGO"), ("ong",)),
    Code("CourtOrProsecution", _("Court or prosecution"), ("fiscalia", "poder judicial", "ministerio publico")),
    Code("NonPoliceGovernmentalOrganization", _("Non-police government organisation")),
    Code("Other", _("Other"), ("otro",)),
)

CASE_STATUS = _codelist(
    "cas_Status",
    Code("Active", _("Active"), ("activo", "abierto", "open")),
    Code("FollowUp", _("Follow-up"), ("seguimiento", "follow up")),
    Code("Closed", _("Closed"), ("cerrado",)),
    Code("ClosedReferred", _("Closed (referred)"), ("derivado", "closed referred")),
)

EXPLOITATION_TYPE = _codelist(
    "vic_TypeOfExploitation",
    Code("SexualExploitation", _("Sexual exploitation"), ("explotacion sexual", "sexual", "sex")),
    Code(
        "ForcedLabour",
        _("Forced labour"),
        ("trabajo forzoso", "explotacion laboral", "laboral", "labour", "labor", "forced labor"),
    ),
    Code("ChildLabour", _("Child labour"), ("trabajo infantil", "child labor")),
    Code("ForcedMarriage", _("Forced marriage"), ("matrimonio forzado", "matrimonio servil")),
    Code("Servitude", _("Servitude"), ("servidumbre", "servidumbre domestica")),
    Code(
        "ForcedMilitaryByNonStateActors", _("Forced military service by non-state actors"), ("reclutamiento forzado",)
    ),
    Code("OrganRemoval", _("Organ removal"), ("extraccion de organos", "trafico de organos")),
    Code("ForcedBegging", _("Forced begging"), ("mendicidad", "mendicidad forzada")),
    Code("ForcedAdoption", _("Forced adoption"), ("venta de ninos", "adopcion forzada")),
    Code("Surrogacy", _("Surrogacy"), ("gestacion subrogada",)),
    Code("Other", _("Other"), ("otro", "otra")),
)

SEX_EXPLOITATION_TYPE = _codelist(
    "vic_TypeOfSexExploitation",
    Code("Prostitution", _("Prostitution"), ("prostitucion",)),
    Code("Pornography", _("Pornography"), ("pornografia",)),
    Code("RemoteInteractiveServices", _("Remote interactive services")),
    Code("PrivateSexualServices", _("Private sexual services")),
)

FORCED_LABOUR_INDUSTRY = _codelist(
    "vic_ForcedLabourIndustry",
    Code("A_AgricultureForestryAndFishing", _("Agriculture, forestry and fishing"), ("agricultura", "agriculture")),
    Code("B_MiningAndQuarrying", _("Mining and quarrying"), ("mineria", "mining")),
    Code("C_Manufacturing", _("Manufacturing"), ("manufactura",)),
    Code("D_ElectricityGasSteamAndAirConditioningSupply", _("Electricity, gas and steam supply")),
    Code("E_WaterSupplySewerageWasteManagement", _("Water supply and waste management")),
    Code("F_Construction", _("Construction"), ("construccion",)),
    Code(
        "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        _("Wholesale and retail trade"),
        ("comercio", "comercio ambulatorio"),
    ),
    Code("H_TransportationAndStorage", _("Transportation and storage"), ("transporte",)),
    Code(
        "I_AccommodationAndFoodServiceActivities", _("Accommodation and food services"), ("restaurantes", "hospitality")
    ),
    Code("J_InformationAndCommunication", _("Information and communication")),
    Code("K_FinancialAndInsuranceActivities", _("Financial and insurance activities")),
    Code("L_RealEstateActivities", _("Real estate activities")),
    Code("M_ProfessionalScientificAndTechnicalActivities", _("Professional, scientific and technical activities")),
    Code("N_AdministrativeAndSupportServiceActivities", _("Administrative and support services")),
    Code("O_PublicAdministrationAndDefence", _("Public administration and defence")),
    Code("P_Education", _("Education")),
    Code("Q_HumanHealthAndSocialWorkActivities", _("Human health and social work")),
    Code("R_ArtsEntertainmentAndRecreation", _("Arts, entertainment and recreation")),
    Code("S_OtherServiceActivities", _("Other service activities")),
    Code(
        "T_ActivitiesOfHouseholdsAsEmployers",
        _("Domestic work in households"),
        ("trabajo domestico", "domestic work", "hogares"),
    ),
    Code("U_ActivitiesOfExtraterritorialOrganizations", _("Extraterritorial organisations")),
)

METHODS_OF_CONTROL = _codelist(
    "vic_MethodsOfControl",
    Code("PhysicalThreats", _("Physical threats"), ("amenazas", "threats")),
    Code("ThreatsLawEnforcement", _("Threats of law enforcement"), ("amenaza de denuncia",)),
    Code("ThreatensChildrenFamily", _("Threatens children or family"), ("amenaza a la familia",)),
    Code("DebtBondage", _("Debt bondage"), ("deuda", "servidumbre por deudas")),
    Code("FalsePromises", _("False promises"), ("falsas promesas", "engano")),
    Code("PhysicalAbuse", _("Physical abuse"), ("violencia fisica", "maltrato fisico")),
    Code("SexualAbuse", _("Sexual abuse"), ("violencia sexual", "abuso sexual")),
    Code("TakesEarnings", _("Takes earnings"), ("retiene ganancias", "retencion de salario")),
    Code("RestrictsFinancialAccess", _("Restricts financial access")),
    Code("RestrictsMedicalCare", _("Restricts medical care")),
    Code("WithholdsNecessities", _("Withholds necessities")),
    Code("PsychologicalAbuse", _("Psychological abuse"), ("violencia psicologica",)),
    Code("PsychoactiveSubstance", _("Psychoactive substances"), ("drogas", "alcohol", "psychoactive substances")),
    Code("ExcessiveWorkingHours", _("Excessive working hours"), ("jornadas excesivas",)),
    Code("WithholdsDocuments", _("Withholds documents"), ("retiene documentos", "retencion de documentos")),
    Code("RestrictsMovement", _("Restricts movement"), ("encierro", "restringe movimiento")),
    Code("Other", _("Other"), ("otro",)),
)

RECRUITMENT_METHOD = _codelist(
    "vic_MethodOfRecruitment",
    Code("AtAPlaceOfBusiness", _("At a place of business")),
    Code("AtAnEducationalInstitution", _("At an educational institution"), ("colegio", "escuela")),
    Code("AtWork", _("At work"), ("trabajo",)),
    Code("ThroughOnlineSocialNetworks", _("Through online social networks"), ("redes sociales",)),
    Code("ThroughAnOnlineAdvertisement", _("Through an online advertisement"), ("anuncio en internet",)),
    Code("ThroughATelevisionAdvert", _("Through a television advert")),
    Code("ThroughANewspaperAdvert", _("Through a newspaper advert"), ("aviso en periodico", "periodico")),
    Code("ThroughFamilyOrFamilyEvents", _("Through family or family events"), ("familia", "family")),
    Code("ThroughFriendsOrSocialEvents", _("Through friends or social events"), ("amigos", "friends")),
    Code("Other", _("Other"), ("otro",)),
)

ORGANISATION_TYPE = _codelist(
    "org_Type",
    Code("NGO", _("NGO"), ("ong",)),
    Code("LawEnforcement", _("Law enforcement"), ("policia", "police")),
    Code("HealthServiceOrganisation", _("Health service organisation")),
    Code(
        "CentralGovernmentOrganisation", _("Central government organisation"), ("ministerio", "fiscalia", "prosecutor")
    ),
    Code("LocalGovernmentOrganisation", _("Local government organisation"), ("municipalidad", "gobierno regional")),
    Code("ImmigrationService", _("Immigration service"), ("migraciones",)),
    Code("LegalService", _("Legal service")),
    Code("CorporateBusiness", _("Corporate business")),
    Code("SchoolOrCollege", _("School or college")),
)

ROLE_IN_PROCESS = _codelist(
    "per_RoleInProcess",
    Code("RecruiterOrIntermediary", _("Recruiter or intermediary"), ("captador", "recruiter", "reclutador")),
    Code("Transporter", _("Transporter"), ("transportista",)),
    Code("TravellingPartner", _("Travelling partner")),
    Code("BrokerTravelAgent", _("Broker or travel agent")),
    Code("TransferredIndividual", _("Transferred the victim")),
    Code("HarbouredIndividual", _("Harboured the victim"), ("acogedor",)),
    Code("SoldIndividual", _("Sold the victim"), ("vendio",)),
    Code("BoughtIndividual", _("Bought the victim"), ("compro",)),
    Code("ReceivedIndividual", _("Received the victim"), ("receptor",)),
    Code("ControlledIndividual", _("Controlled the victim")),
    Code("Smuggler", _("Smuggler")),
    Code("Abuser", _("Abuser")),
    Code("Kidnapper", _("Kidnapper"), ("secuestrador",)),
    Code("Exploiter", _("Exploiter"), ("explotador",)),
    Code("Other", _("Other"), ("otro",)),
)

EVENT_TYPE = _codelist(
    "hte_Type",
    Code("Recruitment", _("Recruitment"), ("captacion", "reclutamiento")),
    Code("Transit", _("Transit"), ("traslado", "transito")),
    Code("Exploitation", _("Exploitation"), ("explotacion",)),
)

ORGANISED_NETWORK = _codelist(
    "organised_network",
    Code("yes", _("Yes"), ("si", "y", "1", "true")),
    Code("no", _("No"), ("n", "0", "false")),
    Code("unknown", _("Unknown"), ("desconocido", "no se sabe", "nd")),
)

LEGAL_ARTICLE = _codelist(
    "legal_article",
    Code("CP-129-A", _("Penal Code art. 129-A (trafficking in persons)"), ("129 a", "129a")),
    Code("CP-129-B", _("Penal Code art. 129-B (aggravated trafficking)"), ("129 b", "129b")),
    Code("CP-153", _("Penal Code art. 153 (trafficking in persons, numbering before 2021)"), ("153",)),
    Code("CP-153-A", _("Penal Code art. 153-A (aggravated trafficking, numbering before 2021)"), ("153 a", "153a")),
    Code("Other", _("Other article"), ("otro",)),
)


@dataclass(frozen=True)
class Relationship:
    """A detailed recruiter relationship and what it means in each standard."""

    code: str
    label: str
    is_relative: bool
    htcds: str | None  # vic_RelationshipToTrafficker
    ctdc: str  # CTDC recruiterRelation* column suffix
    group: str  # family / partner / acquaintance / other / unknown
    synonyms: tuple[str, ...] = ()


RELATIONSHIPS: tuple[Relationship, ...] = (
    Relationship(
        "parent",
        _("Parent"),
        True,
        "Familial",
        "Family",
        "family",
        ("padre", "madre", "father", "mother", "papa", "mama", "padres"),
    ),
    Relationship(
        "step_parent",
        _("Step-parent"),
        True,
        "Familial",
        "Family",
        "family",
        ("padrastro", "madrastra", "stepfather", "stepmother", "stepparent"),
    ),
    Relationship(
        "sibling", _("Sibling"), True, "Familial", "Family", "family", ("hermano", "hermana", "brother", "sister")
    ),
    Relationship(
        "grandparent",
        _("Grandparent"),
        True,
        "Familial",
        "Family",
        "family",
        ("abuelo", "abuela", "grandfather", "grandmother"),
    ),
    Relationship(
        "uncle_aunt", _("Uncle or aunt"), True, "Familial", "Family", "family", ("tio", "tia", "uncle", "aunt")
    ),
    Relationship(
        "other_relative",
        _("Other relative"),
        True,
        "Familial",
        "Family",
        "family",
        ("primo", "prima", "cousin", "otro familiar", "familiar", "relative", "family"),
    ),
    Relationship(
        "intimate_partner",
        _("Intimate partner"),
        False,
        "Acquainted",
        "IntimatePartner",
        "partner",
        (
            "pareja",
            "enamorado",
            "enamorada",
            "novio",
            "novia",
            "esposo",
            "esposa",
            "partner",
            "boyfriend",
            "girlfriend",
        ),
    ),
    Relationship(
        "friend_acquaintance",
        _("Friend or acquaintance"),
        False,
        "Acquainted",
        "Friend",
        "acquaintance",
        ("amigo", "amiga", "conocido", "conocida", "vecino", "vecina", "friend", "acquaintance", "neighbour"),
    ),
    Relationship(
        "employer",
        _("Employer"),
        False,
        "Acquainted",
        "Other",
        "acquaintance",
        ("empleador", "empleadora", "patron", "jefe", "boss"),
    ),
    Relationship(
        "stranger",
        pgettext_lazy("relationship", "Stranger"),
        False,
        "Unaquainted",
        "Other",
        "other",
        ("desconocido para la victima", "extrano", "extrana", "stranger", "unacquainted"),
    ),
    Relationship(
        "unknown",
        _("Unknown"),
        False,
        None,
        "Unknown",
        "unknown",
        ("no se sabe", "sin dato", "not specified", "unknown"),
    ),
)

RELATIONSHIP_BY_CODE: dict[str, Relationship] = {r.code: r for r in RELATIONSHIPS}
RELATIVE_RELATIONSHIPS: frozenset[str] = frozenset(r.code for r in RELATIONSHIPS if r.is_relative)

RECRUITER_RELATIONSHIP = _codelist(
    "recruiter_relationship",
    *(Code(r.code, r.label, r.synonyms) for r in RELATIONSHIPS),
)

RELATIONSHIP_GROUP = _codelist(
    "relationship_group",
    Code("family", _("Family member")),
    Code("partner", _("Intimate partner")),
    Code("acquaintance", _("Friend, acquaintance or employer")),
    Code("other", pgettext_lazy("relationship", "Stranger")),
    Code("unknown", _("Unknown")),
)

HTCDS_RELATIONSHIP_TO_TRAFFICKER = _codelist(
    "vic_RelationshipToTrafficker",
    Code("Familial", _("Familial")),
    Code("Acquainted", _("Acquainted")),
    Code("Unaquainted", pgettext_lazy("relationship", "Unacquainted")),  # HTCDS spells the code this way
)


def is_family_facilitated(relationships: list[str], lives_in_household: list[bool]) -> bool:
    """A case is family-facilitated when any perpetrator is a relative or lives in the victim's household."""
    return any(r in RELATIVE_RELATIONSHIPS for r in relationships) or any(lives_in_household)


ALL_CODELISTS: tuple[Codelist, ...] = (
    GENDER,
    TRAFFICKING_STATUS,
    TRAFFICKING_STATUS_DECISION_ORG,
    CASE_STATUS,
    EXPLOITATION_TYPE,
    SEX_EXPLOITATION_TYPE,
    FORCED_LABOUR_INDUSTRY,
    METHODS_OF_CONTROL,
    RECRUITMENT_METHOD,
    ORGANISATION_TYPE,
    ROLE_IN_PROCESS,
    EVENT_TYPE,
    ORGANISED_NETWORK,
    LEGAL_ARTICLE,
    RECRUITER_RELATIONSHIP,
    RELATIONSHIP_GROUP,
    HTCDS_RELATIONSHIP_TO_TRAFFICKER,
)


# Casework: care, follow-up and prevention (Amparo's own lists, in the spirit of Primero's care arrangements).
CARE_ARRANGEMENT_TYPE = _codelist(
    "care_arrangement_type",
    Code("parents", _("Parents"), ("padres", "padre", "madre", "family")),
    Code("kinship", _("Extended family / kinship care"), ("familia extensa", "extended family", "abuelos", "tios")),
    Code("foster_family", _("Foster family"), ("familia acogedora", "acogimiento familiar", "foster")),
    Code(
        "residential_care",
        _("Residential care centre"),
        ("car", "centro de atencion residencial", "albergue", "residential"),
    ),
    Code("independent_living", _("Independent living (adolescents)"), ("vida independiente",)),
    Code("other", _("Other"), ("otro",)),
)

# Returning the child to these is a return to the family: gated when the family facilitated the trafficking.
FAMILY_CARE_ARRANGEMENTS: frozenset[str] = frozenset({"parents", "kinship"})

FAMILY_ASSESSMENT_RISK = _codelist(
    "family_assessment_risk",
    Code("low", _("Low risk")),
    Code("medium", _("Medium risk")),
    Code("high", _("High risk")),
)

FOLLOW_UP_OUTCOME = _codelist(
    "follow_up_outcome",
    Code("stable", _("Stable"), ("estable",)),
    Code("re_trafficked", _("Re-trafficked"), ("revictimizado", "re-trafficked", "retrafficked")),
    Code("lost_contact", _("Lost contact"), ("sin contacto", "perdida de contacto")),
    Code("other", _("Other"), ("otro",)),
)

REFERRAL_PROGRAMME = _codelist(
    "referral_programme",
    Code("parent_education", _("Parent education"), ("escuela de padres", "educacion parental")),
    Code("family_strengthening", _("Family strengthening"), ("fortalecimiento familiar",)),
)

REFERRAL_STATUS = _codelist(
    "referral_status",
    Code("referred", _("Referred"), ("derivado",)),
    Code("enrolled", _("Enrolled"), ("inscrito",)),
    Code("completed", _("Completed"), ("concluido", "completado")),
    Code("declined", _("Declined"), ("rechazado", "no acepto")),
)

# How a case ended; a case handed to another service is closed as referred (cas_Status ClosedReferred).
CASE_CLOSURE_OUTCOME = _codelist(
    "case_closure_outcome",
    Code("reintegrated_family", _("Reintegrated with the family"), ("reintegrado", "reintegrada")),
    Code("stable_alternative_care", _("Stable in alternative care"), ("cuidado alternativo",)),
    Code("independent_adult", _("Came of age, living independently"), ("mayoria de edad", "vida independiente")),
    Code("transferred", _("Transferred to another service"), ("derivado", "transferido")),
    Code("lost_contact", _("Lost contact"), ("sin contacto", "perdida de contacto")),
    Code("other", _("Other"), ("otro",)),
)
ATTACHMENT_KIND = _codelist(
    "attachment_kind",
    Code("assessment", _("Assessment"), ("evaluacion", "informe")),
    Code("consent", _("Consent form"), ("consentimiento",)),
    Code("other", _("Other document"), ("otro",)),
)
CLOSURE_STATUS = {"transferred": "ClosedReferred"}  # the cas_Status an outcome closes a case with; else Closed
CLOSED_STATUSES = frozenset({"Closed", "ClosedReferred"})

ALL_CODELISTS = ALL_CODELISTS + (
    CARE_ARRANGEMENT_TYPE,
    FAMILY_ASSESSMENT_RISK,
    FOLLOW_UP_OUTCOME,
    REFERRAL_PROGRAMME,
    REFERRAL_STATUS,
    CASE_CLOSURE_OUTCOME,
    ATTACHMENT_KIND,
)
