"""What the synthetic registry is calibrated to: the IOM figures for 2010 and plausible shapes after.

2010 reproduces the figures an IOM coordinator gave for Peru (see the seed
article): 253 cases; 120 (47 %) in Lima department; Cusco 14 %; then Madre de
Dios, Loreto and Ucayali; 110 of the 120 Lima victims provided by family
members, a pattern repeated in the jungle for sexual exploitation; no
organised network behind most cases. Every other number here is an
assumption made to look plausible, not an official statistic.
"""

FIRST_YEAR = 2010
LAST_YEAR = 2025
CALIBRATED_YEAR = 2010

# Cases registered each year (before --scale, which multiplies every year but 2010).
# Growth with better reporting; a dip in 2020, when the pandemic closed offices.
CASES_PER_YEAR = {
    2010: 253,
    2011: 330,
    2012: 420,
    2013: 510,
    2014: 600,
    2015: 690,
    2016: 780,
    2017: 880,
    2018: 990,
    2019: 1100,
    2020: 820,
    2021: 1000,
    2022: 1180,
    2023: 1300,
    2024: 1420,
    2025: 1500,
}

LIMA = "15"
CUSCO = "08"
MADRE_DE_DIOS = "17"
LORETO = "16"
UCAYALI = "25"
SAN_MARTIN = "22"
AMAZONAS = "01"
PUNO = "21"
CALLAO = "07"
JUNGLE_DEPARTMENTS = frozenset({MADRE_DE_DIOS, LORETO, UCAYALI, SAN_MARTIN, AMAZONAS})

# 2010, cases by department of exploitation: exact. Lima 120 (47 %), Cusco 36 (14 %),
# then Madre de Dios > Loreto > Ucayali, each above every other department.
DEPARTMENT_CASES_2010 = {
    LIMA: 120,
    CUSCO: 36,
    MADRE_DE_DIOS: 20,
    LORETO: 15,
    UCAYALI: 12,
    PUNO: 8,
    "12": 7,
    CALLAO: 6,
    "04": 5,
    SAN_MARTIN: 5,
    "20": 4,
    "06": 3,
    "10": 3,
    "13": 3,
    "05": 2,
    "24": 2,
    AMAZONAS: 2,
}
LIMA_FAMILY_FACILITATED_2010 = 110

# Other years: relative weight of each department (Lima always the largest).
DEPARTMENT_WEIGHTS = {
    LIMA: 36,
    CUSCO: 9,
    MADRE_DE_DIOS: 7,
    LORETO: 6,
    PUNO: 6,
    UCAYALI: 4.5,
    "12": 3.5,
    "04": 3.5,
    CALLAO: 3,
    SAN_MARTIN: 2.5,
    "24": 2.5,
    "13": 2.5,
    "20": 2,
    "10": 1.8,
    "14": 1.5,
    "06": 1.5,
    "05": 1.3,
    "02": 1.2,
    AMAZONAS: 1,
    "11": 1,
    "23": 1,
    "03": 0.6,
    "09": 0.5,
    "19": 0.5,
    "18": 0.4,
}

# What a victim was exploited for, by kind of place.
# Kinds: sexual, mining, agriculture (incl. logging), trade (markets, workshops, restaurants),
# servitude (domestic), begging.
EXPLOITATION_PROFILES = {
    "lima": {"sexual": 45, "servitude": 22, "trade": 18, "begging": 7, "agriculture": 3, "mining": 0},
    "callao": {"sexual": 60, "trade": 25, "servitude": 10, "begging": 5},
    "mining_jungle": {"sexual": 60, "mining": 32, "servitude": 5, "trade": 3},
    "jungle": {"sexual": 62, "agriculture": 20, "servitude": 12, "trade": 6},
    "mining_andes": {"sexual": 45, "mining": 35, "servitude": 10, "trade": 5, "begging": 5},
    "andes": {"sexual": 42, "agriculture": 18, "mining": 15, "servitude": 15, "begging": 5, "trade": 5},
    "coast": {"sexual": 52, "agriculture": 22, "trade": 10, "mining": 8, "servitude": 8},
}
ANDEAN_DEPARTMENTS = frozenset({CUSCO, "02", "03", "05", "06", "09", "10", "12", "19"})


def region_of(department: str) -> str:
    if department == LIMA:
        return "lima"
    if department == CALLAO:
        return "callao"
    if department == MADRE_DE_DIOS:
        return "mining_jungle"
    if department in JUNGLE_DEPARTMENTS:
        return "jungle"
    if department == PUNO:
        return "mining_andes"
    if department in ANDEAN_DEPARTMENTS:
        return "andes"
    return "coast"


def family_rate(department: str, kind: str, year: int) -> float:
    """Share of family-facilitated cases (a relative or household member among the perpetrators)."""
    if department == LIMA:
        return LIMA_FAMILY_FACILITATED_2010 / DEPARTMENT_CASES_2010[LIMA] if year == CALIBRATED_YEAR else 0.85
    if department in JUNGLE_DEPARTMENTS:
        return 0.8 if kind == "sexual" else 0.55
    if kind == "servitude":
        return 0.75
    return 0.62 if kind == "sexual" else 0.5


# Exploitation hot spots (INEI district ubigeo); the rest of a department gets the remaining share.
HOTSPOT_SHARE = 0.65
HOTSPOTS = {
    "01": ("010101", "010701"),  # Chachapoyas, Bagua Grande
    "02": ("021801", "020101"),  # Chimbote, Huaraz
    "03": ("030101",),  # Abancay
    "04": ("040101", "040307"),  # Arequipa, Chala
    "05": ("050101",),  # Ayacucho
    "06": ("060101",),  # Cajamarca
    "07": ("070101", "070106"),  # Callao, Ventanilla
    "08": ("080101", "080108", "080901", "081203", "080910"),  # Cusco, Wánchaq, Santa Ana, Camanti, Pichari
    "09": ("090101",),  # Huancavelica
    "10": ("100101", "100601"),  # Huánuco, Rupa-Rupa
    "11": ("110101",),  # Ica
    "12": ("120101", "120601", "120301"),  # Huancayo, Satipo, Chanchamayo
    "13": ("130101",),  # Trujillo
    "14": ("140101",),  # Chiclayo
    "15": (
        "150101",
        "150115",
        "150132",
        "150110",
        "150135",
        "150142",
        "150103",
        "150117",
        "150125",
        "150801",
        "150501",
    ),  # Cercado, La Victoria, SJL, Comas, SMP, VES, Ate, Los Olivos, Puente Piedra, Huacho, Cañete
    "16": (
        "160101",
        "160108",
        "160112",
        "160113",
        "160201",
        "160301",
    ),  # Iquitos, Punchana, Belén, SJB, Yurimaguas, Nauta
    "17": ("170101", "170102", "170104", "170204"),  # Tambopata, Inambari, Laberinto, Huepetuhe
    "18": ("180101",),  # Moquegua
    "19": ("190101",),  # Chaupimarca
    "20": ("200101", "200601"),  # Piura, Sullana
    "21": ("211002", "211101", "210101", "210402"),  # Ananea (La Rinconada), Juliaca, Puno, Desaguadero
    "22": ("220901", "220101"),  # Tarapoto, Moyobamba
    "23": ("230101",),  # Tacna
    "24": ("240101", "240302"),  # Tumbes, Aguas Verdes
    "25": ("250101", "250105", "250107"),  # Callería, Yarinacocha, Manantay
}

# Where Peruvian victims exploited in a department come from (their home department).
ORIGINS = {
    LIMA: {LIMA: 55, "12": 8, "10": 7, "05": 6, "06": 5, LORETO: 4, UCAYALI: 3, CUSCO: 3, "09": 3, "03": 3, "02": 3},
    MADRE_DE_DIOS: {MADRE_DE_DIOS: 30, CUSCO: 30, PUNO: 25, "03": 10, "04": 5},
    CUSCO: {CUSCO: 75, "03": 10, PUNO: 10, "05": 5},
    PUNO: {PUNO: 80, CUSCO: 10, "04": 5, "18": 5},
    "04": {"04": 60, PUNO: 25, CUSCO: 10, "18": 5},
    CALLAO: {CALLAO: 40, LIMA: 40, "12": 10, LORETO: 10},
    "24": {"24": 40, "20": 40, "14": 10, LORETO: 10},
}
SAME_DEPARTMENT_SHARE = 0.8  # where ORIGINS has no row

# Border crossings where foreign victims enter Peru (transit events).
BORDER_CROSSING = {"VE": "240302", "CO": "240302", "EC": "240302", "BO": "210402"}  # Aguas Verdes, Desaguadero


def citizenship_shares(year: int) -> dict[str, float]:
    """ISO alpha-2 shares of victims' citizenship; Venezuelan migration grows from 2017."""
    if year < 2017:
        return {"PE": 96, "BO": 1.5, "EC": 1.2, "CO": 1.3}
    if year == 2017:
        return {"PE": 90, "VE": 6, "CO": 2, "EC": 1, "BO": 1}
    return {"PE": 80, "VE": 14, "CO": 3, "EC": 1.5, "BO": 1.5}


# Which organisation registered the case in the primary registry.
SOURCE_SHARES = {"police": 45, "prosecutor": 30, "ngo": 15, "hotline": 10}

# Organised network behind the case: mostly none (the seed), more often for foreign victims.
ORGANISED_NETWORK_SHARES = {
    "family": {"no": 82, "unknown": 14, "yes": 4},
    "other": {"no": 55, "unknown": 25, "yes": 20},
    "foreign": {"no": 35, "unknown": 30, "yes": 35},
}
