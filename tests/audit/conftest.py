import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, the source language; Spanish has its own tests."""
    with translation.override("en"):
        yield
