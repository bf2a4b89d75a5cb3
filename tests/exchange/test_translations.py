import re
from pathlib import Path

import amparo.exchange

CATALOGUE = Path(amparo.exchange.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_every_message_of_the_exchange_app_has_a_spanish_translation():
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = re.findall(r'(?ms)^msgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n)+)', text)
    untranslated = [msgid for msgid, msgstr in entries[1:] if msgstr.strip() == '""']
    assert entries and untranslated == []
    assert "#, fuzzy" not in text
    assert CATALOGUE.with_suffix(".mo").exists()
