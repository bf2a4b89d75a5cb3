"""Imported once by the server process that starts the file readers (exchange.reading), before any reader:
Django is set up, since reading needs it (code lists carry translated labels, which are hashed when a code is
looked up), and the readers are imported, so that each reader, forked from this process, starts at once."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
django.setup()

from amparo.exchange.domain import readers  # noqa: F401
