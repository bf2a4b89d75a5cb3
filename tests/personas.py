"""One user per role in one organisation, an outsider, and a victim whose identity must never leak.

Use these fixtures in any test (they are re-exported by tests/conftest.py).
Log in with `client_as(user)`: it uses force_login (django-axes refuses
`client.login()` without a request) and verifies the second factor for
administrators, who otherwise reach only the set-up page.
"""

from datetime import date
from functools import cache

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.accounts.roles import Role
from amparo.accounts.twofactor import second_factor_required_by_role
from amparo.registry.models import Organisation
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import case_register

# Invented identity, distinctive enough to search for in any response or file.
VICTIM_FIRST_NAME = "Zoilacunda"
VICTIM_SURNAME = "Huamanquispe Testaroja"
VICTIM_DNI = "73918264"
VICTIM_BIRTHDATE = date(2008, 7, 19)
PASSWORD = "correct horse battery staple 19"

ROLES = [role.value for role in Role]


def victim_record(source_record_id: str = "PERSONA-1") -> CaseRecord:
    return CaseRecord(
        source_record_id=source_record_id,
        registration_date=date(2024, 5, 6),
        victim=PersonRecord("Feminine", "PE", VICTIM_FIRST_NAME, VICTIM_SURNAME, VICTIM_BIRTHDATE, VICTIM_DNI),
        exploitation_types=["SexualExploitation"],
        perpetrators=[PerpetratorRecord("uncle_aunt", True, ["RecruiterOrIntermediary"])],
        events=[EventRecord("Recruitment", "250101"), EventRecord("Exploitation", "150101", date=date(2024, 4, 1))],
        age_when_trafficked=15,
    )


@cache
def _password_hash() -> str:
    """Argon2 is slow on purpose: hash the shared test password once per run, not once per user."""
    return make_password(PASSWORD)


def make_user(username: str, role: str, organisation, **extra):
    """A user who can log in with PASSWORD."""
    return get_user_model().objects.create(
        username=username, password=_password_hash(), role=role, organisation=organisation, **extra
    )


def verified_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def logged_in_client(user, verify: bool | None = None) -> Client:
    """A client logged in as `user`; the second factor is verified for administrators unless verify=False."""
    client = Client()
    client.force_login(user)
    if verify is None:
        verify = second_factor_required_by_role(user)
    if verify:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
        session.save()
    return client


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Persona NGO", org_type="NGO")


@pytest.fixture
def outsider_organisation(db):
    return Organisation.objects.create(name="Outsider Prosecutors", org_type="CentralGovernmentOrganisation")


@pytest.fixture
def personas(organisation) -> dict:
    """{role: user} for every role, all in `organisation`."""
    return {role: make_user(f"persona_{role}", role, organisation) for role in ROLES}


@pytest.fixture
def registrar(personas):
    return personas[Role.REGISTRAR]


@pytest.fixture
def case_worker(personas):
    return personas[Role.CASE_WORKER]


@pytest.fixture
def supervisor(personas):
    return personas[Role.SUPERVISOR]


@pytest.fixture
def data_manager(personas):
    return personas[Role.DATA_MANAGER]


@pytest.fixture
def analyst(personas):
    return personas[Role.ANALYST]


@pytest.fixture
def administrator(personas):
    return personas[Role.ADMINISTRATOR]


@pytest.fixture
def outsider(outsider_organisation):
    """A supervisor of another organisation: sees their own organisation's cases, not ours."""
    return make_user("persona_outsider", Role.SUPERVISOR, outsider_organisation)


@pytest.fixture
def victim_case(organisation, registrar):
    """A case of `organisation`, owned by the registrar, whose victim has the invented identity above."""
    return case_register(record=victim_record(), source=organisation, owner=registrar)


@pytest.fixture
def client_as():
    """client_as(user) -> a logged-in test client (second factor verified for administrators)."""
    return logged_in_client
