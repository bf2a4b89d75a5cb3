"""One case filter: the case list lists exactly the cases the statistics count, for any filter.

The registry is the statistics tests' hand-made one (tests/stats/cases.py): cases with no place, a
department or a province only, no sex, no age, no exploitation, no perpetrator, an "unknown" perpetrator,
a victim reported twice. Hypothesis draws filters over the keys it holds (and some it does not).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amparo.accounts.roles import Role, Scope
from amparo.core import age_bands
from amparo.registry.case_filter import CaseFilter, CaseFilterError
from amparo.registry.selectors import case_list
from amparo.stats import engine, snapshot
from amparo.stats.filters import snapshot_condition
from tests.personas import make_user
from tests.stats.cases import register_hand_made_cases

UNKNOWN = "unknown"


def _some(*keys):
    return st.lists(st.sampled_from(keys), unique=True, min_size=1, max_size=2).map(tuple)


def _choices(source_ids) -> dict:
    """For each field of a filter, what it may hold: the registry's keys, "unknown" and keys it lacks."""
    return {
        "years": _some(2009, 2010, 2011),
        "departments": _some("15", "07", "08", "17", "25", "01", UNKNOWN),
        "provinces": _some("1501", "1505", "0801", "1701", UNKNOWN),
        "districts": _some("150101", "150132", "170101", "080101", UNKNOWN),
        "exploitation_types": _some("SexualExploitation", "ForcedLabour", "ChildLabour", "ForcedMarriage", UNKNOWN),
        "sexes": _some("Feminine", "Masculine", UNKNOWN),
        "age_groups": _some(*(b.label for b in age_bands.PERU_BANDS), UNKNOWN),
        "recruiter_relationships": _some("parent", "employer", "stranger", "friend_acquaintance", UNKNOWN),
        "source_organisation_ids": _some(*source_ids),
        "family_facilitated": st.booleans(),
        "organised_network": _some("yes", "no", UNKNOWN),
        "synthetic": st.booleans(),
    }


@st.composite
def case_filters(draw, source_ids):
    """A filter on one to three fields: a conjunction of more selects no case of a small registry."""
    choices = _choices(source_ids)
    names = draw(st.lists(st.sampled_from(sorted(choices)), unique=True, min_size=1, max_size=3))
    return CaseFilter(**{name: draw(choices[name]) for name in names})


@pytest.fixture
def registry(db):
    organisations = register_hand_made_cases()
    manager = make_user("all_cases_manager", Role.DATA_MANAGER, organisations["police"], scope=Scope.ALL)
    return organisations, manager


def _counted(selection: CaseFilter) -> set[int]:
    current = snapshot.current()
    return set(current.cases.filter(snapshot_condition(selection, current))["id"].to_list())


def _listed(user, selection: CaseFilter) -> set[int]:
    return set(case_list(user=user, filters=selection).values_list("pk", flat=True))


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_case_list_lists_the_cases_the_statistics_count(registry, data):
    organisations, manager = registry
    selection = data.draw(case_filters([o.pk for o in organisations.values()]))
    counted = _counted(selection)
    assert _listed(manager, selection) == counted
    assert engine.case_count(selection) == len(counted)


@pytest.mark.parametrize(
    "selection, expected",
    [
        # Hand-counted from tests/stats/cases.py.
        (CaseFilter(), 15),
        (CaseFilter(departments=(UNKNOWN,)), 1),  # X01: no place
        (CaseFilter(provinces=(UNKNOWN,)), 2),  # X01, C03 (a department only)
        (CaseFilter(districts=(UNKNOWN,)), 4),  # X01, C03, L04 (a province), C02 (a province)
        (CaseFilter(sexes=(UNKNOWN,)), 1),  # X01
        (CaseFilter(age_groups=(UNKNOWN,)), 1),  # C03
        (CaseFilter(exploitation_types=(UNKNOWN,)), 1),  # C03: none recorded
        (CaseFilter(recruiter_relationships=(UNKNOWN,)), 2),  # C03 (none), M02 ("unknown")
        (CaseFilter(organised_network=(UNKNOWN,)), 3),  # L03, C03, M02
        (CaseFilter(years=(2011,), sexes=("Masculine",)), 1),  # Y02
    ],
)
def test_the_case_list_and_the_statistics_agree_with_a_hand_count(registry, selection, expected):
    _organisations, manager = registry
    assert len(_listed(manager, selection)) == expected == engine.case_count(selection)


@given(case_filters([1, 7]))
def test_a_filter_goes_to_json_and_back_unchanged(selection):
    assert CaseFilter.from_json(selection.to_json()) == selection


def test_json_names_only_what_selects():
    assert CaseFilter().to_json() == "{}"
    assert CaseFilter(years=(2010,), family_facilitated=False).as_dict() == {
        "years": [2010],
        "family_facilitated": False,
    }


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"colour": ["red"]}', "unknown filter field 'colour'; expected one of years, departments"),
        ('{"years": ["2010"]}', "years holds whole numbers, not '2010'"),
        ('{"years": 2010}', "years must be a list, not 2010"),
        ('{"districts": ["1501"]}', "districts holds ubigeo codes of 6 digits or 'unknown', not '1501'"),
        ('{"age_groups": ["teen"]}', "unknown age group 'teen'; expected one of 0-12, 13-17"),
        ('{"synthetic": "yes"}', "synthetic must be true, false or null, not 'yes'"),
        ("[2010]", "a case filter is a JSON object, not [2010]"),
    ],
)
def test_a_bad_filter_is_refused_naming_the_field_and_value(text, message):
    with pytest.raises(CaseFilterError, match=message.replace("(", r"\(").replace("[", r"\[")):
        CaseFilter.from_json(text)
