"""Spanish is shipped whole, and as written.

Every message of every Amparo catalogue is translated, none is left fuzzy, each
catalogue is compiled, and Django serves each message as its catalogue says.
The last is not a given: the catalogue of an app listed earlier (Django's
admin among them) wins for a message of the same text, which once labelled
the victim's postal address "dirección IP" and the case list's button "Filtro".
A message that means something else in another app carries a context.
"""

from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

import amparo

CATALOGUES = sorted(Path(amparo.__file__).parent.glob("**/locale/es/LC_MESSAGES/django.po"))


def _name(path: Path) -> str:
    return str(path.relative_to(Path(amparo.__file__).parent).parts[0])


def test_every_app_ships_a_spanish_catalogue():
    assert {_name(path) for path in CATALOGUES} >= {
        "locale",
        "accounts",
        "audit",
        "casework",
        "exchange",
        "linkage",
        "registry",
        "release",
        "reports",
        "stats",
        "synth",
        "web",
    }


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_every_message_is_translated_and_compiled(path):
    catalogue = polib.pofile(str(path))
    assert catalogue.untranslated_entries() == [] and catalogue.fuzzy_entries() == []
    compiled = polib.mofile(str(path.with_suffix(".mo")))

    def messages(entries):
        return {(e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in entries if e.msgid}

    assert messages(compiled) == messages(catalogue.translated_entries())


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_django_serves_every_message_as_its_catalogue_says(path):
    shadowed = []
    with translation.override("es"):
        for entry in polib.pofile(str(path)).translated_entries():
            if entry.msgid_plural:
                continue
            served = pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else gettext(entry.msgid)
            if served != entry.msgstr:
                shadowed.append((entry.msgctxt, entry.msgid, served, entry.msgstr))
    assert shadowed == []
