"""Turning stored codes into the words people read, in their language."""

from amparo.core import codelists, geography
from amparo.registry.models import CODELIST_OF_FIELD


def place_name(ubigeo: str) -> str:
    """'Miraflores (Lima, Lima)' for a district; the department's name for a department."""
    if not ubigeo:
        return ""
    try:
        found = geography.place(ubigeo)
    except geography.UnknownPlace:
        return ubigeo
    parents = [geography.place(ubigeo[:n]).name for n in (4, 2) if len(ubigeo) > n]
    return f"{found.name} ({', '.join(parents)})" if parents else found.name


def code_labels(field_name: str, codes: list[str]) -> list[str]:
    codelist = CODELIST_OF_FIELD[field_name]
    return [codelist.label(c) if c in codelist else c for c in codes]


def relationship_label(code: str) -> str:
    return codelists.RECRUITER_RELATIONSHIP.label(code)
