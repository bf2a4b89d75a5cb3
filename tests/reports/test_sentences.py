"""The sentences of the annual report, exactly, in both languages."""

import re

import pytest
from django.utils import translation

from amparo.reports.sentences import annual_sentences, family_sentences, opening_sentence
from amparo.stats import engine
from amparo.stats.domain.tables import build_table

SEED_ES = (
    "En 2010 se registraron 253 casos de trata de personas; 120 (47 %) en Lima, seguido de Cusco (14 %), "
    "Madre de Dios, Loreto y Ucayali."
)
SEED_ES_FAMILY = "En Lima, 110 de los 120 casos fueron facilitados por familiares."
SEED_EN = (
    "In 2010, 253 cases of human trafficking were registered; 120 (47%) in Lima, followed by Cusco (14%), "
    "Madre de Dios, Loreto and Ucayali."
)
SEED_EN_FAMILY = "In Lima, 110 of the 120 cases were facilitated by family members."


def _departments(counts: dict[str, tuple[int, int]], threshold=None):
    names = {
        "15": "Lima",
        "08": "Cusco",
        "17": "Madre de Dios",
        "16": "Loreto",
        "25": "Ucayali",
        "11": "Ica",
        "21": "Puno",
        "unknown": "Unknown",
    }
    return build_table(
        dimension="department",
        unit="cases",
        counts=counts,
        labels=names,
        total=sum(c for c, _ in counts.values()),
        family_facilitated_total=sum(f for _, f in counts.values()),
        threshold=threshold,
    )


def _sentences(year, lang, **kwargs):
    with translation.override(lang):
        filters = engine.CaseFilter(years=(year,))
        return annual_sentences(year, engine.headline(filters, **kwargs))


@pytest.mark.django_db
def test_the_synthetic_2010_reads_as_the_seed_article_in_spanish(synthetic_csv):
    sentences = _sentences(2010, "es", suppress=False)
    assert sentences[:2] == [SEED_ES, SEED_ES_FAMILY]


@pytest.mark.django_db
def test_protected_sentences_quote_the_perturbed_figures_of_the_tables(synthetic_csv):
    with translation.override("en"):
        figures = engine.headline(engine.CaseFilter(years=(2010,)), suppress=True)
    assert abs(figures.total - 253) <= 3 and abs(figures.top_departments[0].count - 120) <= 3
    opening = _sentences(2010, "en", suppress=True)[0]
    assert opening.startswith(f"In 2010, {figures.total} cases of human trafficking were registered; ")
    assert f"; {figures.top_departments[0].count} (" in opening


@pytest.mark.django_db
def test_the_synthetic_2010_reads_as_the_seed_article_in_english(synthetic_csv):
    sentences = _sentences(2010, "en", suppress=False)
    assert sentences[:2] == [SEED_EN, SEED_EN_FAMILY]


@pytest.mark.django_db
def test_an_empty_year_says_so_in_both_languages(synthetic_csv):
    assert _sentences(2031, "es") == ["No se registraron casos en 2031."]
    assert _sentences(2031, "en") == ["No cases were registered in 2031."]


@pytest.mark.django_db
def test_the_hand_made_registry_names_fewer_than_five_departments(registry):
    # 2010: 12 cases; Lima 5 (3 family-facilitated: L01 parent, L02 uncle, L03 parent), Cusco 3, Madre de Dios 2,
    # Callao 1, one case without a place. 6 family-facilitated of 12; networks: yes L05, L06 of 9 known.
    assert _sentences(2010, "en") == [
        (
            "In 2010, 12 cases of human trafficking were registered; 5 (42%) in Lima, followed by Cusco (25%), "
            "Madre de Dios and Callao."
        ),
        "In Lima, 3 of the 5 cases were facilitated by family members.",
        "Nationally, 6 of the 12 cases (50%) were facilitated by family members.",
        "An organised network was involved in 2 of the 9 cases where this is known (22%).",
    ]


def test_departments_tied_at_the_top_are_named_together():
    table = _departments({"15": (10, 4), "08": (10, 0), "17": (3, 1)})
    with translation.override("es"):
        assert opening_sentence(2015, table) == (
            "En 2015 se registraron 23 casos de trata de personas; 10 (43 %) en cada uno de estos departamentos: "
            "Cusco y Lima, seguido de Madre de Dios (13 %)."
        )
        assert family_sentences(2015, table) == [
            "En Cusco, ninguno de los 10 casos fue facilitado por familiares.",
            "En Lima, 4 de los 10 casos fueron facilitados por familiares.",
        ]


def test_a_tie_at_the_fifth_place_names_every_tied_department_and_spanish_writes_e_before_i():
    table = _departments(
        {"15": (30, 30), "08": (20, 1), "17": (9, 0), "16": (8, 0), "25": (5, 0), "11": (5, 0), "21": (4, 0)}
    )
    with translation.override("es"):
        # Ica (11) and Ucayali (25) tie for fifth: both are named, in code order as in the tables.
        assert opening_sentence(2016, table) == (
            "En 2016 se registraron 81 casos de trata de personas; 30 (37 %) en Lima, seguido de Cusco (25 %), "
            "Madre de Dios, Loreto, Ica y Ucayali."
        )
        assert family_sentences(2016, table) == ["En Lima, los 30 casos fueron facilitados por familiares."]
        fifth_ica = _departments(
            {"15": (30, 30), "08": (20, 1), "17": (9, 0), "16": (8, 0), "11": (5, 0), "21": (4, 0)}
        )
        assert opening_sentence(2016, fifth_ica).endswith("Madre de Dios, Loreto e Ica.")
    with translation.override("en"):
        assert family_sentences(2016, table) == ["In Lima, all 30 cases were facilitated by family members."]


def test_a_single_case_is_written_in_the_singular():
    table = _departments({"15": (1, 1)})
    with translation.override("es"):
        assert opening_sentence(2020, table) == "En 2020 se registró 1 caso de trata de personas; 1 (100 %) en Lima."
        assert family_sentences(2020, table) == ["En Lima, el único caso fue facilitado por familiares."]
    with translation.override("en"):
        assert opening_sentence(2020, table) == "In 2020, 1 case of human trafficking was registered; 1 (100%) in Lima."


def test_suppressed_figures_are_left_out_not_hinted_at():
    table = _departments({"15": (3, 2)}, threshold=5)
    with translation.override("en"):
        assert opening_sentence(2021, table) == "Fewer than 5 cases were registered in 2021."
        assert family_sentences(2021, table) == []
    table = _departments({"15": (40, 3), "08": (6, 1), "unknown": (2, 0)}, threshold=5)
    with translation.override("en"):
        assert family_sentences(2021, table) == []  # Lima's 3 family-facilitated cases are hidden


def _dashboard_sentences(client, query: str) -> str:
    from django.urls import reverse

    html = client.get(reverse("dashboard") + query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return re.search(r'<p class="stats-sentences">(.*?)</p>', html, re.S).group(1).strip()


@pytest.mark.django_db
def test_the_dashboards_sentences_say_which_cases_they_count(registry, data_manager, analyst, client_as):
    """Hand-made 2010: Cusco 3 cases (C01 sibling: family-facilitated; C02; C03), Madre de Dios 2; the boys
    are L03 (Lima, parents) and C02 (Cusco). A place is named, never ranked against itself, and other filters
    are said, never hidden."""
    client = client_as(data_manager)
    assert _dashboard_sentences(client, "?year=2010&department=08") == (
        "In 2010, 3 cases of human trafficking were registered in Cusco. "
        "In Cusco, 1 of the 3 cases was facilitated by family members."
    )
    assert _dashboard_sentences(client, "?year=2010&sex=Masculine") == (
        "In 2010, 2 cases matching the filters were registered; 1 (50%) in each of Cusco and Lima. "
        "In Cusco, the only case was not facilitated by family members. "
        "In Lima, the only case was facilitated by family members."
    )
    assert _dashboard_sentences(client, "?year=2010&department=15&sex=Masculine") == (
        "In 2010, one case matching the filters was registered in Lima. "
        "In Lima, the only case was facilitated by family members."
    )
    assert _dashboard_sentences(client, "?year=2010&province=1701") == (
        "In 2010, 2 cases of human trafficking were registered in Tambopata (Madre de Dios). "
        "In Tambopata (Madre de Dios), 1 of the 2 cases was facilitated by family members."
    )
    # An analyst's sentences speak of the perturbed figures (within ±3 of the true 2), as the tables do.
    perturbed = _dashboard_sentences(client_as(analyst), "?year=2010&department=17")
    said = re.match(
        r"(?:In 2010, (one|\d+) cases? .*registered in Madre de Dios|No cases were registered in Madre de Dios)",
        perturbed,
    )
    assert said, perturbed
    assert said.group(1) is None or (1 if said.group(1) == "one" else int(said.group(1))) <= 2 + 3
    assert _dashboard_sentences(client, "?year=2010&department=16") == "No cases were registered in Loreto in 2010."
