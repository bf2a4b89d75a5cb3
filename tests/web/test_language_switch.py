"""The language switch names each language in its own words, whatever the page's language."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page_language", ["es", "en"])
def test_each_language_is_named_in_itself(client, page_language):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=page_language).content.decode()
    switch = re.search(r'<select name="language" id="language-select">(.*?)</select>', html, re.S).group(1)
    options = dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]*)</option>', switch))
    assert options == {"es": "Español", "en": "English"}
    assert re.search(rf'<option value="{page_language}" lang="{page_language}" selected>', switch)
