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
