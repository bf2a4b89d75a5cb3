"""The columns of the Amparo case file, defined once: names, Spanish aliases, what each holds.

Every format maps its own columns onto these, the template users download is
generated from them, and the export in Amparo format writes them. The event and
perpetrator columns hold one value per event or perpetrator (see domain.aligned).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from amparo.exchange.domain.headers import HeaderSpellings


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    example: str = ""
    aliases: tuple[str, ...] = ()  # the first is the column's Spanish name, as the Spanish template heads it
    required: bool = False
    identifying: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "source_record_id",
        _("The case's identifier in the source's own registry (required)."),
        "NGO-2024-0001",
        ("codigo_caso", "id", "id_registro", "codigo", "numero_caso", "case_id"),
        required=True,
    ),
    Column(
        "registration_date",
        _("Date the case was registered: YYYY-MM-DD or DD/MM/YYYY (required)."),
        "2024-03-15",
        ("fecha_registro", "fecha", "fecha_de_registro", "date"),
        required=True,
    ),
    Column(
        "prs_Gender",
        _("Victim's gender: F, M, Femenino, Masculino, Mujer, Hombre or an HTCDS code."),
        "F",
        ("sexo", "genero", "gender", "sex"),
    ),
    Column(
        "prs_Birthdate",
        _("Victim's birth date (identifying)."),
        "",
        ("fecha_nacimiento", "fecha_de_nacimiento", "birthdate", "birth_date"),
        identifying=True,
    ),
    Column(
        "age",
        _("Victim's age in years when trafficked, 0 to 120."),
        "15",
        ("edad", "vic_AgeWhenTrafficked", "age_when_trafficked"),
    ),
    Column(
        "prs_Citizenship",
        _("Victim's citizenship: ISO code (PE, PER) or country name."),
        "PE",
        ("nacionalidad", "pais_nacionalidad", "citizenship"),
    ),
    Column(
        "prs_FirstName",
        _("Victim's first names (identifying)."),
        "",
        ("nombres", "nombre", "first_name"),
        identifying=True,
    ),
    Column(
        "prs_SecondName",
        _("Victim's surnames (identifying)."),
        "",
        ("apellidos", "apellido", "second_name", "surname"),
        identifying=True,
    ),
    Column(
        "prs_IdentityNumber",
        _("Victim's identity document number, e.g. DNI (identifying)."),
        "",
        ("dni", "documento", "numero_documento", "identity_number"),
        identifying=True,
    ),
    Column(
        "cas_Status",
        _("Case status: Active, FollowUp, Closed, ClosedReferred (default Active)."),
        "Active",
        ("estado", "estado_caso", "case_status"),
    ),
    Column(
        "vic_TraffickingStatus",
        _("Actual, possible or not a victim (default: possible)."),
        "ActualVictimOfTrafficking",
        ("condicion_victima", "estado_trata", "trafficking_status"),
    ),
    Column(
        "vic_TraffickingStatusDecisionMakingOrg",
        _("Who decided the trafficking status."),
        "",
        ("entidad_decision", "decision_org"),
    ),
    Column(
        "vic_TypeOfExploitation",
        _("Types of exploitation, separated by ';'."),
        "SexualExploitation",
        ("tipo_explotacion", "finalidad", "finalidad_explotacion", "exploitation_type"),
    ),
    Column(
        "vic_TypeOfSexExploitation",
        _("Types of sexual exploitation, separated by ';'."),
        "",
        ("tipo_explotacion_sexual",),
    ),
    Column(
        "vic_ForcedLabourIndustry",
        _("Industry of forced labour (HTCDS code or name)."),
        "",
        ("rubro", "actividad_economica", "sector"),
    ),
    Column(
        "vic_MethodsOfControl",
        _("Means of control, separated by ';'."),
        "FalsePromises;DebtBondage",
        ("medios_control", "medios", "metodos_control", "means_of_control"),
    ),
    Column(
        "vic_MethodOfRecruitment",
        _("Methods of recruitment, separated by ';'."),
        "ThroughFamilyOrFamilyEvents",
        ("forma_captacion", "modalidad_captacion", "metodo_captacion"),
    ),
    Column(
        "exploitation_ubigeo",
        _("INEI ubigeo (2, 4 or 6 digits) of the place of exploitation."),
        "150101",
        ("ubigeo_explotacion", "ubigeo"),
    ),
    Column(
        "exploitation_department",
        _("Department of exploitation, by name, if the ubigeo is not known."),
        "",
        ("departamento_explotacion", "departamento", "region", "department"),
    ),
    Column(
        "exploitation_country",
        _("Country of exploitation when outside Peru (ISO code or name)."),
        "",
        ("pais_explotacion", "country_of_exploitation"),
    ),
    Column("exploitation_date", _("Date the exploitation began."), "", ("fecha_explotacion",)),
    Column(
        "exploitation_description", _("What happened at the place of exploitation."), "", ("descripcion_explotacion",)
    ),
    Column("recruitment_ubigeo", _("INEI ubigeo of the place of recruitment."), "160101", ("ubigeo_captacion",)),
    Column(
        "recruitment_department",
        _("Department of recruitment, by name, if the ubigeo is not known."),
        "",
        ("departamento_captacion",),
    ),
    Column("recruitment_country", _("Country of recruitment when outside Peru."), "", ("pais_captacion",)),
    Column("recruitment_date", _("Date of recruitment."), "", ("fecha_captacion",)),
    Column("recruitment_description", _("What happened at the recruitment."), "", ("descripcion_captacion",)),
    Column(
        "transit_ubigeo",
        _("INEI ubigeo of a place the victim was moved through; ';' between several."),
        "",
        ("ubigeo_traslado", "ubigeo_transito"),
    ),
    Column(
        "transit_department",
        _("Department of transit, by name, if the ubigeo is not known."),
        "",
        ("departamento_traslado", "departamento_transito"),
    ),
    Column("transit_country", _("Country of transit when outside Peru."), "", ("pais_traslado", "pais_transito")),
    Column("transit_date", _("Date of transit."), "", ("fecha_traslado", "fecha_transito")),
    Column("transit_description", _("What happened in transit."), "", ("descripcion_traslado", "descripcion_transito")),
    Column(
        "event_order",
        _(
            "The types of the case's events in their order, e.g. Recruitment;Transit;Exploitation "
            "(default: exploitation, recruitment, transit)."
        ),
        "",
        ("orden_eventos",),
    ),
    Column(
        "recruiter_relationship",
        _(
            "Recruiter's relationship to the victim (parent, step_parent, sibling, "
            "grandparent, uncle_aunt, other_relative, intimate_partner, "
            "friend_acquaintance, employer, stranger, unknown); ';' between several."
        ),
        "uncle_aunt",
        (
            "relacion_captador",
            "vinculo",
            "vinculo_tratante",
            "relacion_tratante",
            "parentesco",
            "perpetrator_relationship",
        ),
    ),
    Column(
        "recruiter_in_household",
        _(
            "Whether the recruiter lives in the victim's household (yes/no): one value "
            "for every perpetrator, or one per perpetrator."
        ),
        "no",
        ("captador_vive_con_victima", "vive_en_hogar", "perpetrator_in_household"),
    ),
    Column(
        "per_RoleInProcess",
        _(
            "Each perpetrator's roles in the process, ',' between the roles of one "
            "perpetrator, ';' between perpetrators."
        ),
        "RecruiterOrIntermediary",
        ("rol_tratante", "roles_tratante", "perpetrator_per_RoleInProcess"),
    ),
    Column("perpetrator_prs_Gender", _("Each perpetrator's gender."), "", ("sexo_tratante",)),
    Column("perpetrator_prs_Citizenship", _("Each perpetrator's citizenship."), "", ("nacionalidad_tratante",)),
    Column(
        "perpetrator_prs_FirstName",
        _("Each perpetrator's first names (identifying)."),
        "",
        ("nombres_tratante",),
        identifying=True,
    ),
    Column(
        "perpetrator_prs_SecondName",
        _("Each perpetrator's surnames (identifying)."),
        "",
        ("apellidos_tratante",),
        identifying=True,
    ),
    Column(
        "perpetrator_prs_Birthdate",
        _("Each perpetrator's birth date (identifying)."),
        "",
        ("fecha_nacimiento_tratante",),
        identifying=True,
    ),
    Column(
        "perpetrator_prs_IdentityNumber",
        _("Each perpetrator's identity document number (identifying)."),
        "",
        ("dni_tratante",),
        identifying=True,
    ),
    Column(
        "organised_network",
        _("Whether an organised network took part: yes, no or unknown."),
        "no",
        ("red_organizada", "organizacion_criminal"),
    ),
    Column(
        "legal_article",
        _("Article of the Penal Code charged: CP-129-A, CP-129-B, CP-153, CP-153-A, Other."),
        "",
        ("articulo", "tipo_penal"),
    ),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
# Column prefix and type of the events a row holds, in the order they are stored unless event_order says
# otherwise (the order fingerprints of stored rows were computed in).
EVENTS = (("exploitation", "Exploitation"), ("recruitment", "Recruitment"), ("transit", "Transit"))
EVENT_ORDER = "event_order"
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
IDENTIFYING: frozenset[str] = frozenset(c.name for c in COLUMNS if c.identifying)
SPELLINGS = HeaderSpellings({c.name: c.aliases for c in COLUMNS})
SPANISH_NAMES: dict[str, str] = {c.name: c.aliases[0] for c in COLUMNS}
