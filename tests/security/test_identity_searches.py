"""Every search by identity number is scoped and audited: there is one, and every page uses it.

A search by identity number says "this person is in the registry", so each one
is written to the audit log (with its number of matches, never the number).
The one search is registry.access.victims_with_identity_number; the code is
read to find every other look-up of the keyed hash, so a second search cannot
be added without this test failing.
"""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from amparo.audit.models import AuditAction, AuditEvent
from amparo.registry.access import victims_with_identity_number
from tests.personas import VICTIM_DNI

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "amparo"
HASH_FIELD = "identity_number_hash"
# Calls whose keyword arguments (or **{...} keys) are database look-ups.
LOOKUPS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "Q", "in_bulk", "values", "values_list"}
SQL_WORDS = ("SELECT", "WHERE", "JOIN")
AUDITED_SEARCHES = {"registry/access.py:victims_with_identity_number"}


def _hash_look_ups(path: Path) -> set[str]:
    """'file:function' for each look-up of the identity number's hash in a module (ORM call or SQL text)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()

    def visit(node, function: str):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            names = [k.arg or "" for k in node.keywords]
            names += [
                key.value
                for k in node.keywords
                if k.arg is None and isinstance(k.value, ast.Dict)
                for key in k.value.keys
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            ]
            names += [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name in LOOKUPS and any(HASH_FIELD in n for n in names):
                found.add(f"{path.relative_to(PACKAGE)}:{function}")
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and HASH_FIELD in node.value
            and any(word in node.value.upper() for word in SQL_WORDS)
        ):
            found.add(f"{path.relative_to(PACKAGE)}:{function}")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def test_the_scanner_finds_a_look_up():
    assert _hash_look_ups(PACKAGE / "registry" / "access.py") == AUDITED_SEARCHES


def test_the_audited_search_is_the_only_look_up_of_the_identity_hash():
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" not in path.parts:
            found |= _hash_look_ups(path)
    assert found == AUDITED_SEARCHES, (
        "search by identity number only through registry.access.victims_with_identity_number, which audits it"
    )


def _searches(user) -> list[dict]:
    return list(
        AuditEvent.objects.filter(user=user, action=AuditAction.IDENTITY_SEARCH).values_list("details", flat=True)
    )


def test_searching_the_case_list_by_identity_number_is_audited(victim_case, data_manager, client_as):
    body = client_as(data_manager).get(reverse("case-list"), {"q": VICTIM_DNI}).content.decode()
    assert f">{victim_case.source_record_id}<" in body
    assert _searches(data_manager) == [{"matches": 1}]
    assert VICTIM_DNI not in str(AuditEvent.objects.values_list("details", flat=True))


def test_a_search_that_finds_nobody_is_audited_too(victim_case, data_manager, client_as):
    client_as(data_manager).get(reverse("case-list"), {"q": "99999999"})
    assert _searches(data_manager) == [{"matches": 0}]


def test_the_search_itself_audits(victim_case, supervisor):
    assert list(victims_with_identity_number(supervisor, VICTIM_DNI)) == [victim_case.victim]
    assert _searches(supervisor) == [{"matches": 1}]


def test_roles_that_may_not_see_identities_do_not_search_them(victim_case, analyst, client_as):
    body = client_as(analyst).get(reverse("case-list"), {"q": VICTIM_DNI}).content.decode()
    assert f">{victim_case.source_record_id}<" not in body
    assert _searches(analyst) == []
