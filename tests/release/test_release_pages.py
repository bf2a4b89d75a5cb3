"""The release pages: data managers make releases, a second administrator approves; every bypass is refused."""

import pytest
from django.urls import reverse

from amparo.accounts.roles import Role
from amparo.audit.models import AuditAction, AuditEvent
from amparo.release import services
from amparo.release.models import Release, ReleaseApproval
from tests.personas import logged_in_client as persona_client

YEAR = 2010
FORM = {"year": YEAR, "k": 5, "epsilon_tables": 2, "epsilon_synthetic": 4}


def logged_in_client(user):
    """Pages in English, so the messages asserted are the source ones."""
    client = persona_client(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _make(client, **changes):
    return client.post(reverse("release-create"), {**FORM, **changes})


def _approve(client, release):
    return client.post(reverse("release-approve", args=[release.pk]), follow=True)


def test_a_data_manager_makes_a_release_from_the_form(registry_2010, data_manager):
    client = logged_in_client(data_manager)
    assert 'action="/releases/new/"' in client.get(reverse("release-list")).content.decode()
    response = _make(client)
    release = Release.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("release-detail", args=[release.pk])
    assert (release.year, release.created_by, release.parameters["k"]) == (YEAR, data_manager, 5)
    assert release.epsilon_spent == pytest.approx(6.0)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(release.pk), user=data_manager).exists()
    listing = client.get(reverse("release-list")).content.decode()
    assert 'class="release-awaiting"' in listing and "Awaiting approval" in listing


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"year": 2011}, "No cases are registered in 2011: there is nothing to release."),
        ({"k": 300}, "k = 300 is larger than the 253 cases of 2010."),
        ({"epsilon_tables": 0}, "--epsilon-tables must be a number greater than 0, not 0.0."),
        ({"epsilon_synthetic": -1}, "--epsilon-synthetic must be a number greater than 0, not -1.0."),
        (
            {"epsilon_tables": 5, "epsilon_synthetic": 6},
            "have spent epsilon 0 of the 10 allowed; this one would spend 11",
        ),
    ],
)
def test_refusals_are_shown_as_clear_messages(registry_2010, data_manager, changes, message):
    response = _make(logged_in_client(data_manager), **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Release.objects.exists()


def test_a_form_that_is_not_a_number_is_refused(registry_2010, data_manager):
    response = _make(logged_in_client(data_manager), k="five")
    assert response.status_code == 400 and "Enter a whole number." in response.content.decode()
    assert not Release.objects.exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.SUPERVISOR, Role.REGISTRAR, Role.CASE_WORKER])
def test_other_roles_neither_see_nor_make_nor_approve_releases(registry_2010, personas, other_administrator, role):
    release = services.release_create(user=other_administrator, year=YEAR)
    client = logged_in_client(personas[role])
    assert client.get(reverse("release-list")).status_code == 403  # a page of the navigation: refused, as the others
    assert client.get(reverse("release-detail", args=[release.pk])).status_code == 404
    assert client.get(reverse("release-file", args=[release.pk, "microdata.csv"])).status_code == 404
    assert _make(client).status_code == 404
    assert client.post(reverse("release-approve", args=[release.pk])).status_code == 404
    assert Release.objects.count() == 1 and not ReleaseApproval.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(registry_2010, client, administrator):
    release = services.release_create(user=administrator, year=YEAR)
    for response in (
        client.get(reverse("release-list")),
        _make(client),
        client.post(reverse("release-approve", args=[release.pk])),
    ):
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Release.objects.count() == 1 and not ReleaseApproval.objects.exists()


def test_the_creator_cannot_approve_from_the_page(registry_2010, administrator):
    client = logged_in_client(administrator)
    _make(client)
    release = Release.objects.get()
    assert "release-approve" not in client.get(reverse("release-detail", args=[release.pk])).content.decode()
    page = _approve(client, release).content.decode()
    assert "An administrator who did not create the release must approve it." in page
    assert not ReleaseApproval.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.REFUSE, object_id=str(release.pk), user=administrator).exists()


def test_a_data_manager_cannot_approve_even_someone_elses_release(registry_2010, data_manager, administrator):
    release = services.release_create(user=administrator, year=YEAR)
    page = _approve(logged_in_client(data_manager), release).content.decode()
    assert "Only an administrator approves a release." in page
    assert not ReleaseApproval.objects.exists()


def test_another_administrator_approves_once(registry_2010, data_manager, administrator, other_administrator):
    release = services.release_create(user=data_manager, year=YEAR)
    client = logged_in_client(administrator)
    assert (
        f'action="/releases/{release.pk}/approve/"'
        in client.get(reverse("release-detail", args=[release.pk])).content.decode()
    )
    page = _approve(client, release).content.decode()
    assert "is approved and published" in page
    assert ReleaseApproval.objects.get(release=release).approved_by == administrator
    assert AuditEvent.objects.filter(action=AuditAction.APPROVE, object_id=str(release.pk)).exists()

    for approver in (administrator, other_administrator):
        page = _approve(logged_in_client(approver), release).content.decode()
        assert "This release is already approved." in page
    assert ReleaseApproval.objects.get(release=release).approved_by == administrator


def test_a_get_changes_nothing(registry_2010, data_manager, administrator):
    release = services.release_create(user=data_manager, year=YEAR)
    client = logged_in_client(administrator)
    assert client.get(reverse("release-approve", args=[release.pk])).status_code == 405
    assert client.get(reverse("release-create"), FORM).status_code == 405
    assert not ReleaseApproval.objects.exists() and Release.objects.count() == 1


def test_an_unknown_release_is_not_found(db, administrator):
    client = logged_in_client(administrator)
    assert client.get(reverse("release-detail", args=[999])).status_code == 404
    assert client.post(reverse("release-approve", args=[999])).status_code == 404


def test_reviewers_download_an_unapproved_release_audited(registry_2010, data_manager, administrator):
    release = services.release_create(user=data_manager, year=YEAR)
    response = logged_in_client(administrator).get(reverse("release-file", args=[release.pk, "microdata.csv"]))
    assert response.status_code == 200
    assert response.content.decode() == release.microdata_csv
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(release.pk), user=administrator).exists()
