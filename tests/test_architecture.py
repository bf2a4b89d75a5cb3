"""The layout rules the code promises to keep, checked rather than hoped for."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "amparo"
DOMAIN_MODULES = sorted(p for p in PACKAGE.glob("*/domain/**/*.py"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_there_are_domain_modules_to_check():
    assert DOMAIN_MODULES


# Messages in the user's language are part of the domain; everything else of Django is not.
ALLOWED_DJANGO = {"django.utils.translation"}


@pytest.mark.parametrize("path", DOMAIN_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_domain_code_does_not_import_django(path):
    django_imports = {
        name for name in _imported_modules(path)
        if (name == "django" or name.startswith("django.")) and name not in ALLOWED_DJANGO
    }
    assert not django_imports, f"{path.relative_to(PACKAGE)} imports {sorted(django_imports)}: keep Django out of domain/"


def test_no_grab_bag_modules():
    grab_bags = [p.relative_to(PACKAGE) for p in PACKAGE.rglob("*.py") if p.stem in {"utils", "helpers", "misc", "common"}]
    assert not grab_bags, f"name modules for their concept, not {grab_bags}"


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "amparo" or len(parts) < 2 or not (PACKAGE / parts[1]).is_dir():
        return None
    return parts[1]


def app_imports() -> dict[str, set[str]]:
    """{app: the other amparo apps (and core) its modules import}, wherever the import stands in the module."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*/**/*.py"):
        app = path.relative_to(PACKAGE).parts[0]
        imported = {_app_of(name) for name in _imported_modules(path)}
        graph.setdefault(app, set()).update(imported - {None, app})
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph (as its apps in order, first repeated at the end), or [] if there is none."""
    state: dict[str, str] = {}

    def visit(app: str, path: list[str]) -> list[str]:
        state[app] = "open"
        for other in sorted(graph.get(app, ())):
            if state.get(other) == "open":
                return path[path.index(other):] + [other]
            if other not in state and (cycle := visit(other, [*path, other])):
                return cycle
        state[app] = "done"
        return []

    for app in sorted(graph):
        if app not in state and (cycle := visit(app, [app])):
            return cycle
    return []


def test_the_cycle_finder_finds_a_cycle():
    assert import_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert import_cycle({"a": {"b"}, "b": {"c"}, "d": {"a", "c"}}) == []


def test_accounts_audit_and_registry_import_each_other_one_way_only():
    """accounts (users, roles, capabilities) <- audit (the log, whose pages ask accounts) <- registry (cases,
    whose door audits identity views): nothing lower imports anything higher."""
    graph = app_imports()
    assert "accounts" in graph["audit"]  # the walk sees real imports
    assert not graph["accounts"] & {"audit", "registry"}, f"accounts imports {graph['accounts']}"
    assert "registry" not in graph["audit"], f"audit imports {graph['audit']}"


def test_no_import_cycle_between_apps():
    cycle = import_cycle(app_imports())
    assert not cycle, f"apps import each other in a cycle: {' -> '.join(cycle)}"
