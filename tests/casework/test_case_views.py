"""The case registration and edit pages: who may use them, validation next to the field, conflicts."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from amparo.audit.models import AuditEvent
from amparo.registry.models import Case
from amparo.registry.services import case_register
from tests.personas import VICTIM_BIRTHDATE, VICTIM_DNI, VICTIM_FIRST_NAME, VICTIM_SURNAME

from .conftest import family_record

pytestmark = pytest.mark.django_db

REGISTERING_ROLES = ["registrar", "case_worker", "supervisor", "data_manager", "administrator"]


def _post_data(**overrides):
    data = {
        "source_record_id": "WEB-1",
        "registration_date": "2024-03-01",
        "status": "Active",
        "trafficking_status": "PossibleVictimOfTrafficking",
        "organised_network": "unknown",
        "exploitation_types": ["SexualExploitation"],
        "gender": "Feminine",
        "citizenship": "pe",
        "first_name": "Sumaq",
        "second_name": "Prueba Web",
        "identity_number": "71112222",
        "perpetrators-TOTAL_FORMS": "2",
        "perpetrators-INITIAL_FORMS": "0",
        "perpetrators-MIN_NUM_FORMS": "0",
        "perpetrators-MAX_NUM_FORMS": "1000",
        "perpetrators-0-relationship": "parent",
        "perpetrators-0-lives_in_household": "on",
        "perpetrators-0-roles": ["RecruiterOrIntermediary"],
        "perpetrators-0-identity_number": "43334444",
        "events-TOTAL_FORMS": "3",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "events-0-event_type": "Exploitation",
        "events-0-country": "PE",
        "events-0-department": "15",
        "events-0-province": "1501",
        "events-0-district": "150132",
        "events-0-date": "2024-02-01",
        "events-1-country": "PE",
        "events-2-country": "PE",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", REGISTERING_ROLES)
def test_registering_roles_see_the_form_with_required_marks(personas, client_as, role):
    response = client_as(personas[role]).get(reverse("case-create"))
    assert response.status_code == 200
    assert b'class="required-mark"' in response.content


def test_analysts_may_not_register(analyst, client_as):
    assert client_as(analyst).get(reverse("case-create")).status_code == 403
    assert client_as(analyst).post(reverse("case-create"), _post_data()).status_code == 403
    assert not Case.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("case-create"))
    assert response.status_code == 302 and "login" in response.url


def test_it_registers_a_case_with_a_family_perpetrator(case_worker, client_as):
    response = client_as(case_worker).post(reverse("case-create"), _post_data())
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.owner, case.family_facilitated, case.district_code) == (case_worker, True, "150132")
    assert case.victim.citizenship == "PE"
    assert case.perpetrators.get().person.identity.identity_number == "43334444"


def test_an_event_s_description_is_stored_and_kept_by_an_edit(case_worker, client_as):
    data = _post_data(**{"events-0-description": "  Llevada a un bar de Lima  "})
    assert client_as(case_worker).post(reverse("case-create"), data).status_code == 302
    case = Case.objects.get()
    assert case.events.get().description == "Llevada a un bar de Lima"
    edit = reverse("case-edit", args=[case.pk])
    assert "Llevada a un bar de Lima" in client_as(case_worker).get(edit).content.decode()
    data = _post_data(
        version="1",
        status="FollowUp",
        **{"events-INITIAL_FORMS": "1", "events-0-description": "Llevada a un bar de Lima"},
    )
    assert client_as(case_worker).post(edit, data).status_code == 302
    assert case.events.get().description == "Llevada a un bar de Lima"


def test_it_shows_problems_next_to_the_field(case_worker, client_as):
    data = _post_data(registration_date="2999-01-01", citizenship="ZZ", **{"events-0-province": "0801"})
    response = client_as(case_worker).post(reverse("case-create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_events-0-province_errors"' in html
    assert not Case.objects.exists()
    data = _post_data(registration_date="2999-01-01", citizenship="ZZ")
    html = client_as(case_worker).post(reverse("case-create"), data).content.decode()
    assert 'id="id_registration_date_errors"' in html and 'id="id_citizenship_errors"' in html


def test_a_foreign_event_needs_no_ubigeo_but_a_country(case_worker, client_as):
    data = _post_data(
        **{"events-0-department": "", "events-0-province": "", "events-0-district": "", "events-0-country": "XX"}
    )
    response = client_as(case_worker).post(reverse("case-create"), data)
    assert response.status_code == 400 and 'id="id_events-0-country_errors"' in response.content.decode()
    data["events-0-country"] = "cl"
    assert client_as(case_worker).post(reverse("case-create"), data).status_code == 302
    assert Case.objects.get().events.get().country == "CL"


def test_the_ubigeo_picker_returns_the_next_level(case_worker, client_as):
    client = client_as(case_worker)
    provinces = client.get(reverse("casework-ubigeo-options"), {"events-0-department": "15"}).content.decode()
    assert 'value="1501"' in provinces and 'value="0801"' not in provinces
    districts = client.get(reverse("casework-ubigeo-options"), {"events-0-province": "1501"}).content.decode()
    assert 'value="150132"' in districts


def test_the_edit_form_shows_the_case_and_audits_the_identity_view(victim_case, registrar, client_as):
    response = client_as(registrar).get(reverse("case-edit", args=[victim_case.pk]))
    assert response.status_code == 200 and b'value="1"' in response.content
    assert AuditEvent.objects.filter(action="view_identity", object_id=str(victim_case.pk)).count() == 1


def test_edit_pages_of_cases_outside_the_scope_are_not_found(victim_case, outsider, case_worker, client_as):
    for user in (outsider, case_worker):  # another organisation; a case worker who does not own it
        assert client_as(user).get(reverse("case-edit", args=[victim_case.pk])).status_code == 404
        assert client_as(user).post(reverse("case-edit", args=[victim_case.pk]), _post_data()).status_code == 404


def _edit_data(case, **overrides):
    """What the edit page posts back for the persona case (one stored perpetrator, two stored events)."""
    return _post_data(
        **{
            "source_record_id": case.source_record_id,
            "perpetrators-INITIAL_FORMS": "1",
            "events-INITIAL_FORMS": "2",
            "events-1-event_type": "Recruitment",
            "events-1-department": "25",
            "events-1-province": "2501",
            "events-1-district": "250101",
            **overrides,
        }
    )


def test_a_stale_edit_is_refused_shown_and_kept(victim_case, registrar, supervisor, client_as):
    url = reverse("case-edit", args=[victim_case.pk])
    first = _edit_data(victim_case, version="1", status="FollowUp")
    assert client_as(registrar).post(url, first).status_code == 302
    second = _edit_data(victim_case, version="1", legal_article="CP-129-A")
    response = client_as(supervisor).post(url, second)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'value="2"' in html  # the form now carries the current version, so saving again is deliberate
    assert "CP-129-A" in html
    assert Case.objects.get(pk=victim_case.pk).legal_article == ""
    assert client_as(supervisor).post(url, {**second, "version": "2"}).status_code == 302
    assert Case.objects.get(pk=victim_case.pk).legal_article == "CP-129-A"


def test_a_perpetrator_marked_for_deletion_is_removed(victim_case, registrar, client_as):
    url = reverse("case-edit", args=[victim_case.pk])
    data = _edit_data(victim_case, version="1", **{"perpetrators-0-DELETE": "on"})
    assert client_as(registrar).post(url, data).status_code == 302
    case = Case.objects.get(pk=victim_case.pk)
    assert not case.perpetrators.exists() and not case.family_facilitated


@pytest.mark.parametrize(
    "role, links",
    [
        ("supervisor", {"case-edit", "casework-case"}),
        ("registrar", {"case-edit"}),
        ("data_manager", {"case-edit"}),
    ],
)
def test_the_case_actions_offer_what_the_role_may_do(victim_case, personas, client_as, role, links):
    html = client_as(personas[role]).get(reverse("case-detail", args=[victim_case.pk])).content.decode()
    urls = {
        "case-edit": reverse("case-edit", args=[victim_case.pk]),
        "casework-case": reverse("casework-case", args=[victim_case.pk]),
    }
    assert {name for name, url in urls.items() if f'href="{url}"' in html} == links


@pytest.mark.parametrize(
    "role, expected",
    [
        ("registrar", 200),  # owns the case
        ("case_worker", 404),  # own scope, and the case is not theirs
        ("supervisor", 200),
        ("data_manager", 200),
        ("administrator", 200),
        ("analyst", 403),  # sees all cases, edits none
    ],
)
def test_the_edit_page_by_role(victim_case, personas, client_as, role, expected):
    assert client_as(personas[role]).get(reverse("case-edit", args=[victim_case.pk])).status_code == expected


def test_a_kept_conflict_can_be_read_back_beside_the_current_case(
    victim_case, registrar, supervisor, outsider, client_as
):
    url = reverse("case-edit", args=[victim_case.pk])
    client_as(registrar).post(url, _edit_data(victim_case, version="1", status="FollowUp"))
    client_as(supervisor).post(
        url, _edit_data(victim_case, version="1", legal_article="CP-129-B", identity_number="70000001")
    )
    conflict = victim_case.edit_conflicts.get()
    assert (
        f'href="{reverse("casework-conflict", args=[victim_case.pk, conflict.pk])}"'
        in client_as(supervisor).get(url).content.decode()
    )
    page = client_as(supervisor).get(reverse("casework-conflict", args=[victim_case.pk, conflict.pk]))
    differences = page.context["differences"]
    assert differences["legal_article"] == {"old": "", "new": "CP-129-B"}
    assert differences["victim.identity_number"] == {"old": "[sealed]", "new": "[sealed]"}
    assert "70000001" not in page.content.decode()
    assert client_as(outsider).get(reverse("casework-conflict", args=[victim_case.pk, conflict.pk])).status_code == 404


def test_an_unchanged_identity_does_not_show_as_a_conflict_difference(victim_case, registrar, supervisor, client_as):
    url = reverse("case-edit", args=[victim_case.pk])
    same_identity = {
        "first_name": VICTIM_FIRST_NAME,
        "second_name": VICTIM_SURNAME,
        "identity_number": VICTIM_DNI,
        "birthdate": VICTIM_BIRTHDATE.isoformat(),
    }
    client_as(registrar).post(url, _edit_data(victim_case, version="1", status="FollowUp", **same_identity))
    client_as(supervisor).post(url, _edit_data(victim_case, version="1", legal_article="CP-129-B", **same_identity))
    conflict = victim_case.edit_conflicts.get()
    differences = (
        client_as(supervisor)
        .get(reverse("casework-conflict", args=[victim_case.pk, conflict.pk]))
        .context["differences"]
    )
    assert not any(name.startswith("victim.") for name in differences)


@pytest.mark.parametrize(
    "prefix, new_field", [("perpetrators", "perpetrators-2-relationship"), ("events", "events-3-event_type")]
)
def test_another_blank_row_can_be_added_without_javascript_and_nothing_is_saved(
    case_worker, client_as, prefix, new_field
):
    data = _post_data(add_row=prefix, source_record_id="")  # an incomplete form: no errors shown yet
    response = client_as(case_worker).post(reverse("case-create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="{new_field}"' in html
    assert f'name="{prefix}-TOTAL_FORMS" value="{int(data[prefix + "-TOTAL_FORMS"]) + 1}"' in html
    assert 'value="43334444"' in html  # what was typed is kept
    assert "errorlist" not in html
    assert not Case.objects.exists()


def test_adding_a_row_to_an_edit_keeps_the_case_as_it_was(victim_case, registrar, client_as):
    url = reverse("case-edit", args=[victim_case.pk])
    response = client_as(registrar).post(
        url, _edit_data(victim_case, version="1", status="FollowUp", add_row="perpetrators")
    )
    assert response.status_code == 200
    victim_case.refresh_from_db()
    assert (victim_case.status, victim_case.version) != ("FollowUp", 2)
    assert 'name="perpetrators-TOTAL_FORMS" value="3"' in response.content.decode()


class _SubmittedForm(HTMLParser):
    """The fields a browser submits from the case form as the page drew it (no submit button pressed)."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._inside = False
        self._select: tuple[str, bool, list[tuple[str, bool]]] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = "case-form" in (attrs.get("class") or "")
        if not self._inside or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.data.append((attrs["name"], attrs.get("value") or ("on" if "checked" in attrs else "")))
        elif tag == "select":
            self._select = (attrs["name"], "multiple" in attrs, [])
        elif tag == "option" and self._select is not None:
            self._select[2].append((attrs.get("value") or "", "selected" in attrs))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data.append((attrs["name"], ""))

    def handle_data(self, data):
        if self._textarea is not None:
            name, text = self.data.pop()
            self.data.append((name, text + data))

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple, options = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]
            self.data.extend((name, value) for value in chosen)
            self._select = None


def test_saving_the_edit_page_unchanged_logs_no_change(organisation, case_worker, client_as):
    """A perpetrator's sex and citizenship are not on the form; saving it as drawn must not log them emptied."""
    record = family_record("WEB-UNCHANGED")
    record.perpetrators[0].person.gender, record.perpetrators[0].person.citizenship = "Masculine", "PE"
    case = case_register(record=record, source=organisation, owner=case_worker)
    client = client_as(case_worker)
    url = reverse("case-edit", args=[case.pk])
    form = _SubmittedForm()
    form.feed(client.get(url).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in form.data:
        data.setdefault(name, []).append(value)
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="change", object_id=str(case.pk))
    assert event.details["changed"] == {}
    case.refresh_from_db()
    perpetrator = case.perpetrators.select_related("person").get()
    assert (case.version, perpetrator.person.gender, perpetrator.person.citizenship) == (2, "Masculine", "PE")
