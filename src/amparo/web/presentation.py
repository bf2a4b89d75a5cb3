"""Turning stored codes into the words people read, in their language."""

from amparo.core import codelists
from amparo.registry.models import CODELIST_OF_FIELD


def code_labels(field_name: str, codes: list[str]) -> list[str]:
    codelist = CODELIST_OF_FIELD[field_name]
    return [codelist.label(c) if c in codelist else c for c in codes]


def relationship_label(code: str) -> str:
    return codelists.RECRUITER_RELATIONSHIP.label(code)
