"""What the documentation names exists: its pages answer at the address it gives, its functions and classes
are where it says. A reader who follows docs/ must not meet a page or a function that is not there."""

import importlib
import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

import amparo

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
PACKAGE = Path(amparo.__file__).parent
APPS = {path.name for path in PACKAGE.iterdir() if path.is_dir() and not path.name.startswith("_")}
FILE_SUFFIXES = {"json", "md", "csv", "tsv", "html", "py", "txt", "xlsx", "geojson", "sqlite3"}
# A table row of a page: | `/cases/<id>/care/` | `casework-case` | ...
PAGE_ROW = re.compile(r"^\|\s*`(/[^`]*)`\s*\|\s*`([a-z][a-z:_-]*)`", re.M)
DOTTED = re.compile(r"`([a-z_]+(?:\.[A-Za-z_]+)+)(?:\([^`]*\))?`")
CALLED = re.compile(r"`([a-z_]+)\([^`]*\)`")


def _pages(text: str) -> list[tuple[str, str]]:
    return PAGE_ROW.findall(text)


def _exists(dotted: str) -> bool:
    """amparo.<dotted> is a module or an attribute of one; app.Model names a model of the app."""
    parts = dotted.split(".")
    candidates = [parts] + ([[parts[0], "models", *parts[1:]]] if len(parts) == 2 else [])
    for candidate in candidates:
        for cut in range(len(candidate), 0, -1):
            try:
                found = importlib.import_module("amparo." + ".".join(candidate[:cut]))
            except ImportError:
                continue
            try:
                for name in candidate[cut:]:
                    found = getattr(found, name)
            except AttributeError:
                break
            return True
    return False


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_page_a_document_lists_answers_at_its_address(document):
    wrong = []
    for path, name in _pages(document.read_text(encoding="utf-8")):
        try:
            address = reverse(name, args=[1] * path.count("<"))
        except NoReverseMatch:
            wrong.append((path, name, "no such page"))
            continue
        if address != re.sub(r"<[^>]+>", "1", path):
            wrong.append((path, name, address))
    assert wrong == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_function_and_module_a_document_names_exists(document):
    text = document.read_text(encoding="utf-8")
    dotted = {
        name
        for name in DOTTED.findall(text)
        if name.split(".")[0] in APPS and name.rsplit(".", 1)[-1] not in FILE_SUFFIXES
    }
    defined = {
        match
        for path in PACKAGE.rglob("*.py")
        for match in re.findall(r"^\s*(?:def|class) ([A-Za-z_]+)", path.read_text(encoding="utf-8"), re.M)
    }
    missing = sorted(name for name in dotted if not _exists(name))
    missing += sorted(name for name in set(CALLED.findall(text)) if name not in defined)
    assert missing == []


def test_the_checks_find_a_page_and_a_function_that_do_not_exist():
    assert _pages("| `/casework/prevention/` | `casework-prevention` | everyone |") == [
        ("/casework/prevention/", "casework-prevention")
    ]
    assert not _exists("casework.selectors.family_facilitated_districts") and _exists("registry.PersonIdentity")
