"""Small hand-made files for the exchange tests; every expected figure is counted by hand or by pandas."""

from datetime import date

# Amparo case file with Spanish aliases, mixed date formats, synonyms and one bad row (row 4).
AMPARO_CSV = """\
source_record_id,fecha_registro,sexo,edad,nacionalidad,vic_TypeOfExploitation,vic_MethodsOfControl,exploitation_ubigeo,departamento,recruitment_ubigeo,recruiter_relationship,organised_network,nombres,apellidos,dni
ONG-1,15/03/2024,Mujer,15,Perú,Explotación sexual,falsas promesas;deuda,150101,,80101,Madre,no,Zoilacunda,Huamanquispe Testaroja,73918264
ONG-2,2024-04-02,M,16,PE,trabajo forzoso,,,Cuzco,,tío,no,,,
ONG-3,2024-05-09,X,200,Narnia,foo,,999999,,,alien,maybe,,,
ONG-4,2023-12-31,Femenino,12,VEN,SexualExploitation,,,Lima Metropolitana,,pareja,si,,,
ONG-5,02/01/2024,F,,,,,1701,Madre de Dios,,,,,,
"""
AMPARO_VALID_IDS = ["ONG-1", "ONG-2", "ONG-4", "ONG-5"]
AMPARO_BAD_ROW = 4
AMPARO_BAD_COLUMNS = {
    "sexo",
    "edad",
    "nacionalidad",
    "vic_TypeOfExploitation",
    "exploitation_ubigeo",
    "recruiter_relationship",
    "organised_network",
}

# Amparo case file with what a case entered by hand can hold: several events of a type, transit, descriptions
# (one with an escaped ';'), the events' order, perpetrators with their household, roles and person.
AMPARO_FULL_CSV = """\
source_record_id,registration_date,prs_Gender,age,exploitation_ubigeo,exploitation_country,exploitation_date,\
exploitation_description,recruitment_ubigeo,recruitment_date,transit_ubigeo,transit_country,transit_date,\
transit_description,event_order,recruiter_relationship,recruiter_in_household,per_RoleInProcess,\
perpetrator_prs_Gender,perpetrator_prs_FirstName,perpetrator_prs_Birthdate,perpetrator_prs_IdentityNumber
F-1,2024-06-01,F,15,150101;,PE;CL,2024-03-01;2024-05-01,Bar en Lima\\; luego mina;,080101,2024-01-10,;250101,BO;PE,\
2024-02-01;2024-02-03,En bus;,Recruitment;Transit;Transit;Exploitation;Exploitation,padre;tío,si;no,\
"RecruiterOrIntermediary,SoldIndividual;Exploiter",Femenino;,Rosa;,1980-02-03;,;43334444
F-2,2024-06-02,M,16,1501,,,,,,,,,,,employer,no,Exploiter,,,,
F-3,2024-06-03,,,,,,,,,,AR,2024-04-04,,,,,,,,,
"""
AMPARO_FULL_IDS = ["F-1", "F-2", "F-3"]

# HTCDS flat file with the toolkit's quirks: misspelt decision-org column, Kobo names, trailing space, Unaquainted.
HTCDS_CSV = """\
source_record_id;registration_date;prs_Gender;prs_First_Name;prs_Second_Name;vic_TraffickinStatusDecisionMakingOrg;vic_Methods_of_Control;vic_TypeOfExploitation;vic_RelationshipToTrafficker;vic_AgeWhenTrafficked;exploitation_hte_Country;exploitation_hte_State
H-1;2024-02-01;Feminine;Ana;Quispe;Police;DebtBondage ;SexualExploitation;Familial;14;PE;PE-CUS
H-2;2024-02-02;Masculine;;;NGO;DebtBondage PhysicalAbuse;ForcedLabour;Unaquainted;30;CL;
H-3;2024-02-03;NonSpecifiedUnknown;;;;;;Acquainted;;PE;PE-LMA
"""


CTDC_SYNTHETIC_ROWS = [
    # yearOfRegistration, gender, ageBroad, citizenship, CountryOfExploitation, isForcedLabour, isSexualExploit,
    # meansFalsePromises, recruiterRelationFamily
    {
        "yearOfRegistration": "2021",
        "gender": "Woman",
        "ageBroad": "09--17",
        "citizenship": "PER",
        "CountryOfExploitation": "PER",
        "isSexualExploit": "1",
        "meansFalsePromises": "1",
        "recruiterRelationFamily": "1",
    },
    {
        "yearOfRegistration": "2022",
        "gender": "Man",
        "ageBroad": "30--38",
        "citizenship": "VEN",
        "CountryOfExploitation": "PER",
        "isForcedLabour": "1",
        "typeOfLabourAgriculture": "1",
    },
]

TODAY = date(2026, 1, 1)

# The Amparo case file's columns as the Spanish template heads them, in order (stated by hand).
SPANISH_HEADERS = [
    "codigo_caso",
    "fecha_registro",
    "sexo",
    "fecha_nacimiento",
    "edad",
    "nacionalidad",
    "nombres",
    "apellidos",
    "dni",
    "estado",
    "condicion_victima",
    "entidad_decision",
    "tipo_explotacion",
    "tipo_explotacion_sexual",
    "rubro",
    "medios_control",
    "forma_captacion",
    "ubigeo_explotacion",
    "departamento_explotacion",
    "pais_explotacion",
    "fecha_explotacion",
    "descripcion_explotacion",
    "ubigeo_captacion",
    "departamento_captacion",
    "pais_captacion",
    "fecha_captacion",
    "descripcion_captacion",
    "ubigeo_traslado",
    "departamento_traslado",
    "pais_traslado",
    "fecha_traslado",
    "descripcion_traslado",
    "orden_eventos",
    "relacion_captador",
    "captador_vive_con_victima",
    "rol_tratante",
    "sexo_tratante",
    "nacionalidad_tratante",
    "nombres_tratante",
    "apellidos_tratante",
    "fecha_nacimiento_tratante",
    "dni_tratante",
    "red_organizada",
    "articulo",
]
