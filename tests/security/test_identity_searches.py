"""Every search by identity number or name is scoped and audited: there is one, and every page uses it.

A search by identity number or name says "this person is in the registry", so
each one is written to the audit log (with its number of matches, never what
was searched). The one search is registry.access.victims_found; the code is
read to find every other look-up of the keyed hash and of the blind index of
names, so a second search cannot be added without this test failing.
"""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from amparo.audit.models import AuditAction, AuditEvent
from amparo.registry.access import victims_found
from tests.personas import VICTIM_DNI, VICTIM_FIRST_NAME

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "amparo"
HASH_FIELD = "identity_number_hash"
# Calls whose keyword arguments (or **{...} keys) are database look-ups.
LOOKUPS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "Q", "in_bulk", "values", "values_list"}
SQL_WORDS = ("SELECT", "WHERE", "JOIN")
AUDITED_SEARCHES = {"registry/access.py:victims_found"}


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
        "search by identity number only through registry.access.victims_found, which audits it"
    )


def _uses(path: Path, names: set[str]) -> set[str]:
    """'file:function' for each use of one of these names (a call, an attribute or an import) in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()

    def visit(node, function: str):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        used = (
            (isinstance(node, ast.Name) and node.id in names)
            or (isinstance(node, ast.Attribute) and node.attr in names)
            or (isinstance(node, ast.ImportFrom) and any(alias.name in names for alias in node.names))
        )
        if used:
            found.add(f"{path.relative_to(PACKAGE)}:{function}")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def _uses_in_package(names: set[str]) -> set[str]:
    return {use for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts for use in _uses(path, names)}


def test_the_name_index_is_read_and_written_only_by_its_module():
    uses = _uses_in_package({"NameToken"})
    assert "registry/name_index.py:people_named" in uses  # the scanner sees the uses there are
    outside = {use for use in uses if not use.startswith("registry/name_index.py:")}
    assert outside == set(), "the blind index of names belongs to registry.name_index"


def test_the_audited_search_is_the_only_search_by_name():
    found = _uses_in_package({"people_named"}) - {"registry/name_index.py:<module>"}
    assert found == {"registry/access.py:<module>", "registry/access.py:victims_found"}, (
        "search by name only through registry.access.victims_found, which audits it"
    )


def test_searching_the_case_list_by_name_is_audited_and_shows_the_names_found(victim_case, data_manager, client_as):
    body = client_as(data_manager).get(reverse("case-list"), {"q": "zoilacunda testaroja"}).content.decode()
    assert f">{victim_case.source_record_id}<" in body and VICTIM_FIRST_NAME in body
    assert _searches(data_manager) == [{"matches": 1}]
    viewed = AuditEvent.objects.filter(user=data_manager, action=AuditAction.VIEW_IDENTITY)
    assert list(viewed.values_list("object_id", flat=True)) == [str(victim_case.pk)]
    assert "oilacunda" not in str(list(AuditEvent.objects.values_list("details", flat=True))).lower()


def test_a_list_of_cases_without_a_search_shows_no_name(victim_case, data_manager, client_as):
    body = client_as(data_manager).get(reverse("case-list")).content.decode()
    assert f">{victim_case.source_record_id}<" in body and VICTIM_FIRST_NAME not in body
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_IDENTITY).exists()


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
    assert list(victims_found(supervisor, VICTIM_DNI)) == [victim_case.victim]
    assert _searches(supervisor) == [{"matches": 1}]


def test_roles_that_may_not_see_identities_do_not_search_them(victim_case, analyst, client_as):
    body = client_as(analyst).get(reverse("case-list"), {"q": VICTIM_DNI}).content.decode()
    assert f">{victim_case.source_record_id}<" not in body
    assert _searches(analyst) == []
