from datetime import date

import pytest
from django.urls import reverse

from amparo.accounts.models import User
from amparo.audit.models import AuditEvent
from amparo.registry.models import Organisation
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord
from amparo.registry.services import cases_register

pytestmark = pytest.mark.django_db

VICTIM_NAME = "Yanet"
VICTIM_SURNAMES = "Ccori Huillca"
VICTIM_DNI = "47110815"
WHAT_HAPPENED = "Su tía la llevó a un bar de Puerto Maldonado"


@pytest.fixture
def ngo():
    return Organisation.objects.create(name="ONG Esperanza", org_type="NGO")


@pytest.fixture
def cases(ngo):
    records = [
        CaseRecord(
            "N-1",
            date(2010, 6, 1),
            victim=PersonRecord("Feminine", "PE", VICTIM_NAME, VICTIM_SURNAMES, date(1996, 4, 5), VICTIM_DNI),
            exploitation_types=["SexualExploitation"],
            age_when_trafficked=14,
            perpetrators=[PerpetratorRecord("parent", True, ["SoldIndividual"])],
            events=[EventRecord("Exploitation", "170101", date=date(2010, 1, 3), description=WHAT_HAPPENED)],
        ),
        CaseRecord(
            "N-2",
            date(2011, 2, 1),
            victim=PersonRecord("Masculine", "VE"),
            exploitation_types=["ForcedLabour"],
            perpetrators=[PerpetratorRecord("employer")],
            events=[EventRecord("Exploitation", "080101")],
        ),
    ] + [
        CaseRecord(
            f"N-{i}",
            date(2012, 1, 1),
            victim=PersonRecord("Feminine", "PE"),
            events=[EventRecord("Exploitation", "150101")],
        )
        for i in range(3, 33)
    ]
    return cases_register(records=records, source=ngo)


def _login(client, ngo, role, **extra):
    user = User.objects.create_user(username=role, password="x-unused-x", organisation=ngo, role=role, **extra)
    client.force_login(user)
    return user


def test_pages_need_a_login(client, cases):
    for url in (reverse("case-list"), reverse("case-detail", args=[cases[0].pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_case_list_shows_cases_and_paginates(client, ngo, cases):
    _login(client, ngo, "data_manager")
    response = client.get(reverse("case-list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "32" in body and "N-32" in body  # newest first, 25 a page
    assert "N-1<" not in body
    assert "N-1<" in client.get(reverse("case-list") + "?page=2").content.decode()


def test_the_case_list_filters_by_year_department_and_family(client, ngo, cases):
    _login(client, ngo, "data_manager")
    body = client.get(reverse("case-list"), {"year": 2010, "department": "17", "family": "yes"}).content.decode()
    assert "N-1<" in body and "N-2<" not in body and "N-3<" not in body
    body = client.get(reverse("case-list"), {"exploitation": "ForcedLabour"}).content.decode()
    assert "N-2<" in body and "N-1<" not in body


@pytest.mark.parametrize(
    "query, listed",
    [
        ({"year": [2010, 2011]}, {"N-1", "N-2"}),
        ({"district": "170101"}, {"N-1"}),  # a district, as the hot spots link to it
        ({"province": "1701"}, {"N-1"}),
        ({"department": "08"}, {"N-2"}),
        ({"family": "no", "year": [2010, 2011]}, {"N-2"}),
        ({"sex": "Masculine"}, {"N-2"}),
        ({"age_group": "13-17"}, {"N-1"}),
        ({"age_group": "unknown", "year": [2011]}, {"N-2"}),
    ],
)
def test_the_case_list_takes_the_statistics_filters(client, ngo, cases, query, listed):
    _login(client, ngo, "data_manager")
    body = client.get(reverse("case-list"), query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    found = {f"N-{n}" for n in range(1, 33) if f">N-{n}<" in body}
    assert found == listed and f">{len(listed)} case" in body


@pytest.mark.parametrize("role, narrowed", [("supervisor", True), ("data_manager", False)])
def test_a_list_narrowed_by_the_users_scope_says_so(client, ngo, cases, role, narrowed):
    _login(client, ngo, role)
    body = client.get(reverse("case-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ("Only the cases within your scope (own organisation&#x27;s cases) are listed" in body) is narrowed


def test_an_unknown_place_is_explained(client, ngo, cases):
    _login(client, ngo, "data_manager")
    body = client.get(reverse("case-list"), {"district": "999999"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "999999 is not one of the available choices." in body


def test_search_by_identity_number_uses_the_keyed_hash(client, ngo, cases):
    _login(client, ngo, "data_manager")
    body = client.get(reverse("case-list"), {"q": VICTIM_DNI}).content.decode()
    assert "N-1<" in body and "N-2<" not in body


def test_analysts_cannot_search_the_case_list_at_all(client, ngo, cases):
    _login(client, ngo, "analyst")
    response = client.get(reverse("case-list"), {"q": VICTIM_DNI}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403 and b"N-1<" not in response.content


@pytest.mark.parametrize("role, offered", [("registrar", True), ("data_manager", True)])
def test_the_case_list_offers_registration_only_to_roles_that_may_register(client, ngo, cases, role, offered):
    _login(client, ngo, role)
    body = client.get(reverse("case-list")).content.decode()
    assert (f'<a class="button" href="{reverse("case-create")}">' in body) is offered


def test_the_detail_page_shows_the_case_and_audits_the_identity_view(client, ngo, cases):
    user = _login(client, ngo, "supervisor")
    response = client.get(reverse("case-detail", args=[cases[0].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert VICTIM_NAME in body and VICTIM_DNI in body and WHAT_HAPPENED in body
    assert "Madre de Dios" in body and "Tambopata" in body
    assert AuditEvent.objects.filter(user=user, action="view_identity", object_id=str(cases[0].pk)).count() == 1


def test_analysts_are_refused_the_case_record(client, ngo, cases):
    _login(client, ngo, "analyst")
    response = client.get(reverse("case-detail", args=[cases[0].pk]))
    body = response.content.decode()
    assert response.status_code == 403
    assert "N-1" not in body and VICTIM_NAME not in body and VICTIM_DNI not in body and VICTIM_SURNAMES not in body
    assert WHAT_HAPPENED not in body  # free text that may name people
    assert AuditEvent.objects.filter(action="view_identity").count() == 0


def test_a_case_outside_the_users_scope_is_not_found(client, ngo, cases):
    other = Organisation.objects.create(name="Fiscalía", org_type="CentralGovernmentOrganisation")
    _login(client, other, "case_worker")  # own cases only, owns none
    assert client.get(reverse("case-detail", args=[cases[0].pk])).status_code == 404
    assert "N-1<" not in client.get(reverse("case-list")).content.decode()


def test_pages_are_translated(client, ngo, cases):
    _login(client, ngo, "data_manager")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Family-facilitated" in client.get(reverse("case-list")).content.decode()
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert "Facilitado por familiares" in client.get(reverse("case-list")).content.decode()


def _linked_police_report(cases):
    """A police report of N-1's victim, linked to it by a linkage run; N-2 stays a victim of its own."""
    from amparo.linkage.models import ClusterMembership, LinkageRun

    police = Organisation.objects.create(name="Policía Nacional", org_type="LawEnforcement")
    [report] = cases_register(
        records=[
            CaseRecord(
                "P-7",
                date(2010, 7, 1),
                victim=PersonRecord("Feminine", "PE"),
                events=[EventRecord("Exploitation", "170101")],
            )
        ],
        source=police,
    )
    run = LinkageRun.objects.create(model={}, link_threshold=0.9, review_threshold=0.5, code_version="test")
    ClusterMembership.objects.bulk_create(
        [
            ClusterMembership(person_id=cases[0].victim_id, cluster_key=f"V{cases[0].pk}", run=run),
            ClusterMembership(person_id=report.victim_id, cluster_key=f"V{cases[0].pk}", run=run),
            ClusterMembership(person_id=cases[1].victim_id, cluster_key=f"V{cases[1].pk}", run=run),
        ]
    )
    return report


def test_the_detail_page_lists_the_other_reports_of_the_same_victim_and_their_sources(client, ngo, cases):
    report = _linked_police_report(cases)
    _login(client, ngo, "data_manager")
    body = client.get(reverse("case-detail", args=[cases[0].pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Other reports of this victim" in body
    assert "Policía Nacional" in body and reverse("case-detail", args=[report.pk]) in body and ">P-7<" in body
    assert ">N-2<" not in body
    body = client.get(reverse("case-detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ONG Esperanza" in body and ">N-1<" in body
    body = client.get(reverse("case-detail", args=[cases[1].pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Other reports of this victim" not in body


def test_other_reports_outside_the_users_scope_are_not_shown(client, ngo, cases):
    report = _linked_police_report(cases)
    _login(client, ngo, "supervisor")  # the NGO's own cases only
    body = client.get(reverse("case-detail", args=[cases[0].pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Other reports of this victim" not in body
    assert "P-7" not in body and "Policía Nacional" not in body
    assert reverse("case-detail", args=[report.pk]) not in body
