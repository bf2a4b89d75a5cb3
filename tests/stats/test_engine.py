"""The engine over the hand-made registry of cases.py; every expected number is counted by hand."""

import pytest
from django.db import transaction
from django.utils import translation

from amparo.registry import services as registry_services
from amparo.registry.models import Case
from amparo.registry.services import cases_register
from amparo.stats import engine
from amparo.stats.engine import CaseFilter
from tests.stats.cases import SEX, F, case_record

Y2010 = CaseFilter(years=(2010,))

# dimension -> {key: (cases, family-facilitated cases)} in 2010 (12 cases, 6 family-facilitated).
EXPECTED_2010 = {
    "year": {"2010": (12, 6)},
    "department": {"15": (5, 3), "08": (3, 1), "17": (2, 1), "07": (1, 0), "unknown": (1, 1)},
    # The hand-made cases record no recruitment, and exploitation wherever they record a place.
    "recruitment_department": {"unknown": (12, 6)},
    "exploitation_department": {"15": (5, 3), "08": (3, 1), "17": (2, 1), "07": (1, 0), "unknown": (1, 1)},
    "lima_area": {
        "metropolitana": (4, 3),
        "provincias": (1, 0),
        "callao": (1, 0),
        "rest_of_peru": (5, 2),
        "unknown": (1, 1),
    },
    "province": {"1501": (4, 3), "1505": (1, 0), "0701": (1, 0), "0801": (2, 1), "1701": (2, 1), "unknown": (2, 1)},
    "district": {
        "150101": (2, 2),
        "150132": (1, 1),
        "150501": (1, 0),
        "070101": (1, 0),
        "080101": (1, 1),
        "170101": (2, 1),
        "unknown": (4, 1),
    },
    "exploitation": {"SexualExploitation": (7, 4), "ForcedLabour": (5, 2), "ChildLabour": (1, 1), "unknown": (1, 0)},
    "sex": {"Feminine": (9, 4), "Masculine": (2, 1), "unknown": (1, 1)},
    "age_group": {"0-12": (2, 2), "13-17": (5, 4), "18-24": (2, 0), "25-34": (1, 0), "35+": (1, 0), "unknown": (1, 0)},
    "age_broad": {
        "0--8": (1, 1),
        "9--17": (6, 5),
        "18--20": (1, 0),
        "21--23": (1, 0),
        "30--38": (1, 0),
        "39--47": (1, 0),
        "unknown": (1, 0),
    },
    "minor": {"minor": (7, 6), "adult": (4, 0), "unknown": (1, 0)},
    "citizenship": {"PE": (9, 6), "VE": (1, 0), "BO": (1, 0), "unknown": (1, 0)},
    "recruiter_relationship": {
        "parent": (2, 2),
        "uncle_aunt": (1, 1),
        "friend_acquaintance": (2, 2),
        "intimate_partner": (1, 0),
        "employer": (2, 0),
        "stranger": (2, 0),
        "sibling": (1, 1),
        "grandparent": (1, 1),
        "unknown": (2, 0),
    },
    "relationship_group": {
        "family": (5, 5),
        "acquaintance": (4, 2),
        "partner": (1, 0),
        "other": (2, 0),
        "unknown": (2, 0),
    },
    "family_facilitated": {"yes": (6, 6), "no": (6, 0)},
    "organised_network": {"no": (7, 5), "yes": (2, 0), "unknown": (3, 1)},
    "trafficking_status": {"ActualVictimOfTrafficking": (8, 5), "PossibleVictimOfTrafficking": (4, 1)},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_2010))
def test_each_dimension_counts_the_2010_cases_by_hand(registry, name):
    table = engine.count_by(name, Y2010)
    assert {r.key: (r.count, r.family_facilitated) for r in table.rows} == EXPECTED_2010[name]
    assert (table.total, table.family_facilitated_total) == (12, 6)
    assert table.unit == "cases"


def test_source_counts_each_organisation(registry):
    table = engine.count_by("source", Y2010)
    by_label = {r.label: r.count for r in table.rows}
    assert by_label == {"Police unit": 7, "Shelter NGO": 5}
    assert table.row(str(registry["police"].pk)).count == 7


def test_every_dimension_is_tested():
    assert set(EXPECTED_2010) | {"source"} == set(engine.DIMENSIONS)


def test_rows_are_sorted_by_count_then_key(registry):
    table = engine.count_by("department", Y2010)
    assert [r.key for r in table.rows] == ["15", "08", "17", "07", "unknown"]


def test_shares_are_of_the_filtered_total_with_wilson_intervals(registry):
    lima = engine.count_by("department", Y2010).row("15")
    assert lima.share == pytest.approx(5 / 12)
    assert (lima.ci_low, lima.ci_high) == pytest.approx((0.1933, 0.6805), abs=1e-4)


def test_multi_valued_shares_are_of_cases_and_may_exceed_one(registry):
    table = engine.count_by("exploitation", Y2010)
    assert table.multi_valued
    assert sum(r.share for r in table.rows) == pytest.approx(14 / 12)


def test_department_labels_come_from_inei_names(registry):
    labels = {r.key: r.label for r in engine.count_by("department", Y2010).rows}
    assert labels["08"] == "Cusco" and labels["17"] == "Madre de Dios"


def test_unknown_is_labelled_in_the_active_language(registry):
    with translation.override("en"):
        assert engine.count_by("department", Y2010).row("unknown").label == "Unknown"
    with translation.override("es"):
        assert engine.count_by("department", Y2010).row("unknown").label == "Desconocido"


def test_all_years_count_by_year(registry):
    table = engine.count_by("year")
    assert table.counts == {"2010": 12, "2011": 3}
    assert table.total == 15


def test_victims_are_distinct_persons(registry):
    # Y01 (2011) is a second report of L01's victim: 15 cases, 14 victims.
    table = engine.count_by("year", unit="victims")
    assert table.total == 14
    assert table.counts == {"2010": 12, "2011": 3}
    # Lima: L01..L05 and Y01 are 6 cases of 5 persons.
    assert engine.count_by("department").row("15").count == 6
    assert engine.count_by("department", unit="victims").row("15").count == 5


@pytest.mark.parametrize(
    "filters,expected",
    [
        (CaseFilter(departments=("15",)), 6),
        (CaseFilter(years=(2010,), departments=("15", "07")), 6),
        (CaseFilter(departments=("unknown",)), 1),
        (CaseFilter(provinces=("1501",)), 5),
        (CaseFilter(districts=("170101",)), 2),
        (CaseFilter(exploitation_types=("ForcedLabour",)), 6),
        (CaseFilter(exploitation_types=("unknown",)), 1),
        (CaseFilter(exploitation_types=("SexualExploitation", "ForcedLabour")), 13),
        (CaseFilter(sexes=("Masculine",)), 3),
        (CaseFilter(sexes=("unknown",)), 1),
        (CaseFilter(age_groups=("0-12",)), 3),
        (CaseFilter(age_groups=("13-17", "unknown")), 7),
        (CaseFilter(recruiter_relationships=("parent",)), 3),
        (CaseFilter(recruiter_relationships=("unknown",)), 2),
        (CaseFilter(family_facilitated=True), 8),
        (CaseFilter(family_facilitated=False, years=(2011,)), 1),
        (CaseFilter(organised_network=("yes",)), 3),
        (CaseFilter(years=(2010, 2011)), 15),
        (CaseFilter(years=(2012,)), 0),
        (CaseFilter(synthetic=True), 0),
    ],
)
def test_filters_select_the_hand_counted_cases(registry, filters, expected):
    assert engine.count_by("year", filters).total == expected


def test_source_filter(registry):
    assert engine.count_by("year", CaseFilter(source_organisation_ids=(registry["ngo"].pk,))).total == 6


def test_unknown_age_group_filter_is_refused(registry):
    with pytest.raises(ValueError, match="0-12, 13-17"):
        engine.count_by("year", CaseFilter(age_groups=("teen",)))


def test_unknown_dimension_lists_the_valid_ones(db):
    with pytest.raises(engine.UnknownDimension, match="department, lima_area"):
        engine.count_by("colour")


def test_unknown_unit_is_refused(db):
    with pytest.raises(ValueError, match="cases, victims"):
        engine.count_by("year", unit="reports")


def test_crosstab_counts_two_dimensions_with_database_margins(registry):
    table = engine.crosstab("department", "exploitation", Y2010)
    assert table.row_keys == ("15", "08", "17", "07", "unknown")
    expected = {
        "15": {"SexualExploitation": 3, "ForcedLabour": 3, "ChildLabour": 0, "unknown": 0},
        "08": {"SexualExploitation": 1, "ForcedLabour": 1, "ChildLabour": 0, "unknown": 1},
        "17": {"SexualExploitation": 2, "ForcedLabour": 1, "ChildLabour": 0, "unknown": 0},
        "07": {"SexualExploitation": 1, "ForcedLabour": 0, "ChildLabour": 0, "unknown": 0},
        "unknown": {"SexualExploitation": 0, "ForcedLabour": 0, "ChildLabour": 1, "unknown": 0},
    }
    for row_key, cells in expected.items():
        for column_key, count in cells.items():
            assert table.cell(row_key, column_key) == count
    # Margins count cases: Lima has 5 cases though its cells add up to 6 (L02 is both).
    assert table.row_totals == (5, 3, 2, 1, 1)
    assert dict(zip(table.column_keys, table.column_totals)) == {
        "SexualExploitation": 7,
        "ForcedLabour": 5,
        "ChildLabour": 1,
        "unknown": 1,
    }
    assert table.total == 12


def test_crosstab_of_two_multi_valued_dimensions(registry):
    table = engine.crosstab("relationship_group", "exploitation", Y2010)
    # Family: L01 sex, L02 sex+labour, L03 labour, C01 sex, X01 child labour.
    assert table.cell("family", "SexualExploitation") == 3
    assert table.cell("family", "ForcedLabour") == 2
    assert table.cell("family", "ChildLabour") == 1
    # Acquaintance: L02 sex+labour, M01 sex, L05 labour, C02 labour.
    assert table.cell("acquaintance", "ForcedLabour") == 3
    assert table.row_keys == ("family", "partner", "acquaintance", "other", "unknown")
    assert table.row_totals == (5, 1, 4, 2, 2)
    assert table.total == 12


def test_crosstab_of_two_single_valued_dimensions_has_its_margins(registry):
    table = engine.crosstab("sex", "minor", Y2010)
    assert table.row_keys == ("Feminine", "Masculine", "unknown")
    assert table.column_keys == ("minor", "adult", "unknown")
    assert table.cells == ((5, 3, 1), (1, 1, 0), (1, 0, 0))
    assert table.row_totals == (9, 2, 1)
    assert table.column_totals == (7, 4, 1)
    assert table.total == 12


def test_crosstab_of_victims_counts_margins_in_the_database(registry):
    # Over both years, Lima holds L01..L05 and Y01, a second report of L01's victim: 6 cases, 5 victims.
    table = engine.crosstab("department", "year", unit="victims")
    assert table.cell("15", "2010") == 5 and table.cell("15", "2011") == 1
    assert table.row_totals[table.row_keys.index("15")] == 5
    assert table.total == 14


def test_crosstab_needs_two_dimensions(db):
    with pytest.raises(ValueError, match="two different"):
        engine.crosstab("sex", "sex")


def test_crosstab_with_suppression_hides_small_cells_and_their_partners(registry):
    table = engine.crosstab("family_facilitated", "year", suppress=5)
    #        2010 2011 | total
    # yes       6    2 | 8
    # no        6    1 | 7
    # total    12    3 | 15
    # 2, 1 and the 2011 total 3 are small; each row then needs a second hidden cell (else 8 - 6 gives
    # the 2 away), and the margin row a second hidden total (else 15 - 12 gives the 3 away).
    assert table.cells == ((None, None), (None, None))
    assert table.row_totals == (8, 7)
    assert table.column_totals == (None, None)
    assert table.total == 15


def test_headline_of_a_year(registry):
    figures = engine.headline(Y2010)
    assert (figures.total, figures.family_facilitated) == (12, 6)
    assert figures.family_facilitated_share == pytest.approx(0.5)
    assert [(r.key, r.count, r.family_facilitated) for r in figures.top_departments] == [
        ("15", 5, 3),
        ("08", 3, 1),
        ("17", 2, 1),
        ("07", 1, 0),
    ]  # the case with no place is not a department
    assert [r.key for r in engine.headline(Y2010, top=2).top_departments] == ["15", "08"]
    assert (figures.organised_network_yes, figures.organised_network_known) == (2, 9)


def test_the_headline_leaves_out_hidden_departments(registry):
    figures = engine.headline(Y2010, suppress=5)
    assert [(r.key, r.count) for r in figures.top_departments] == [("15", 5)]
    assert figures.total == 12 and figures.departments.row("07").count is None


def test_under_cell_key_perturbation_a_group_perturbed_to_zero_is_not_listed(registry):
    """A row shown with 0 would tell that its group has cases; left out, it looks like an empty group."""
    callao = Case.objects.get(registration_date__year=2010, department_code="07")  # 2010's only case there
    # Key 0 falls on the first noise of a count of one, -1 (docs/publication.md's table).
    Case.objects.filter(pk=callao.pk).update(record_key=0)
    registry_services.registry_changed()
    assert engine.count_by("department", Y2010).row("07").count == 1
    table = engine.count_by("department", Y2010, suppress=True)
    assert "07" not in {r.key for r in table.rows} and all(r.count > 0 for r in table.rows)
    crosstab = engine.crosstab("department", "sex", Y2010, suppress=True)
    assert "07" not in crosstab.row_keys
    assert "07" in engine.crosstab("department", "sex", Y2010).row_keys


def test_count_by_with_suppression_hides_small_departments(registry):
    table = engine.count_by("department", Y2010, suppress=5)
    assert [(r.key, r.count) for r in table.rows] == [
        ("15", 5),
        ("07", None),
        ("08", None),
        ("17", None),
        ("unknown", None),
    ]
    assert table.total == 12
    assert table.threshold == 5


def test_suppression_threshold_can_be_given_per_call(registry):
    table = engine.count_by("department", Y2010, suppress=3)
    # 2 and 1 and 1 are below 3; 5 and 3 stay.
    assert table.counts == {"15": 5, "08": 3, "17": None, "07": None, "unknown": None}


def test_suppression_threshold_comes_from_settings(registry, settings):
    settings.STATS_SUPPRESSION_THRESHOLD = 2
    assert engine.protection(True).method == "cell-key perturbation"  # True protects the engine's tables so
    table = engine.count_by("department", Y2010, suppress=engine.suppression_threshold(True))
    assert table.threshold == 2
    assert table.counts == {"15": 5, "08": 3, "17": 2, "07": None, "unknown": None}


def test_years_without_cases(registry):
    assert engine.years_without_cases([2009, 2010, 2031]) == [2009, 2031]


def test_the_registry_is_read_once_then_only_its_revision_is_checked(registry, django_assert_num_queries):
    engine.count_by(
        "department", Y2010
    )  # reads the snapshot: cases, linked victims, events, exploitation, perpetrators
    with django_assert_num_queries(6):  # the registry's and the clusters' revision tokens, once per aggregate
        engine.count_by("exploitation", Y2010)
        engine.crosstab("department", "sex", Y2010)
        engine.crosstab("exploitation", "relationship_group", Y2010)
    registry_services.registry_changed()
    # After a change: the two tokens, the three frames, the routes' events and the linked victims.
    with django_assert_num_queries(7):
        engine.count_by("department", Y2010)


def test_a_new_case_is_counted_at_once(registry):
    before = engine.count_by("department", Y2010).row("15").count
    cases_register(
        records=[case_record("N01", 2010, "150101", F, 14, [SEX], ["parent"], "no", "A")], source=registry["police"]
    )
    assert engine.count_by("department", Y2010).row("15").count == before + 1


def test_an_edit_through_the_orm_is_counted_at_once(registry):
    assert engine.count_by("sex", Y2010).row("Masculine").count == 2
    victim = Case.objects.get(source_record_id="L03").victim
    victim.gender = "Feminine"
    victim.save()
    assert engine.count_by("sex", Y2010).row("Masculine").count == 1


def test_a_rolled_back_change_is_not_counted(registry):
    before = engine.count_by("department", Y2010).row("15").count
    with pytest.raises(RuntimeError), transaction.atomic():
        cases_register(
            records=[case_record("N01", 2010, "150101", F, 14, [SEX], ["parent"], "no", "A")], source=registry["police"]
        )
        assert engine.count_by("department", Y2010).row("15").count == before + 1
        raise RuntimeError("abandon the import")
    assert engine.count_by("department", Y2010).row("15").count == before


def test_a_sex_left_empty_and_the_standards_unknown_sex_are_one_unknown(registry):
    """X01 has no sex recorded; two 2010 cases more say NonSpecifiedUnknown: one row of three, not two rows,
    and a filter on either spelling selects the same three cases in the statistics and in the case list."""
    from amparo.accounts.roles import Role, Scope
    from amparo.registry.selectors import case_list
    from tests.personas import make_user

    cases_register(
        records=[
            case_record(ref, 2010, "150101", "NonSpecifiedUnknown", 14, [SEX], ["parent"], "no", "A")
            for ref in ("U01", "U02")
        ],
        source=registry["police"],
    )
    with translation.override("en"):
        table = engine.count_by("sex", Y2010)
    assert {r.key: r.count for r in table.rows} == {"Feminine": 9, "Masculine": 2, "unknown": 3}
    assert table.row("unknown").label == "Not specified / unknown"
    manager = make_user("sex_filter_manager", Role.DATA_MANAGER, registry["police"], scope=Scope.ALL)
    for sexes in (("unknown",), ("NonSpecifiedUnknown",), ("NonSpecifiedUnknown", "unknown")):
        selection = CaseFilter(years=(2010,), sexes=sexes)
        assert engine.case_count(selection) == 3
        listed = case_list(user=manager, filters=selection).values_list("source_record_id", flat=True)
        assert sorted(listed) == ["U01", "U02", "X01"]


def test_a_case_known_only_as_lima_is_of_an_unknown_lima_area_and_off_the_rest_of_lima_tile(registry):
    """Lima with no province may be Lima Metropolitana or not. 2010: Metropolitana 4 (L01-L04), the rest of
    the department 1 (L05, province 1505), unknown 1 (X01) + 1 (this case)."""
    from amparo.reports.maps import tile_values

    cases_register(
        records=[case_record("LIMA-ONLY", 2010, "15", F, 14, [SEX], ["parent"], "no", "A")], source=registry["police"]
    )
    areas = engine.count_by("lima_area", Y2010)
    assert {r.key: r.count for r in areas.rows} == {
        "metropolitana": 4,
        "provincias": 1,
        "callao": 1,
        "rest_of_peru": 5,
        "unknown": 2,
    }
    departments = engine.count_by("department", Y2010)
    assert departments.row("15").count == 6
    cases, _shares = tile_values(departments, areas)
    assert (cases["1501"], cases["15"]) == (4, 1)


def test_a_case_exploited_abroad_is_placed_by_its_recruitment_and_department_tables_say_so(registry):
    """ABROAD-1: recruited in Puno (210101), exploited in Argentina. It is Puno's only 2010 case."""
    from io import StringIO

    from django.core.management import call_command

    from amparo.registry.records import CaseRecord, EventRecord, PersonRecord
    from amparo.reports.tables import report_table

    abroad = CaseRecord(
        "ABROAD-1",
        registration_date=Case.objects.get(source_record_id="L01").registration_date,
        victim=PersonRecord("Feminine", "PE"),
        events=[EventRecord("Recruitment", "210101"), EventRecord("Exploitation", "", "AR")],
    )
    cases_register(records=[abroad], source=registry["police"])
    departments = engine.count_by("department", Y2010)
    assert departments.row("21").count == 1
    said = "a case exploited abroad, or with no place of exploitation recorded, is placed where the victim"
    with translation.override("en"):
        assert said in report_table(departments, slug="department").definition
        assert said in report_table(engine.count_by("district", Y2010), slug="place").definition
    out = StringIO()
    call_command("stats", "--year", "2010", "--by", "department", "--lang", "en", stdout=out)
    assert said in out.getvalue()
