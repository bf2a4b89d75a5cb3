from datetime import date

from amparo.casework.domain.changes import flatten_record
from amparo.registry.records import CaseRecord, EventRecord, PerpetratorRecord, PersonRecord


def _record(**overrides):
    values = {
        "source_record_id": "A-1",
        "registration_date": date(2024, 1, 2),
        "victim": PersonRecord("Feminine", "PE", "Ana", "Ccori", date(2010, 3, 4), "12345678"),
        "exploitation_types": ["SexualExploitation", "ForcedLabour"],
        "perpetrators": [PerpetratorRecord("parent", True, ["Exploiter"], PersonRecord(first_name="Rosa"))],
        "events": [EventRecord("Exploitation", "150101", description="En un bar")],
    }
    values.update(overrides)
    return CaseRecord(**values)


def test_each_field_gets_a_dotted_name_ending_in_the_field():
    flat = flatten_record(_record())
    assert flat["victim.first_name"] == "Ana" and flat["victim.birthdate"] == "2010-03-04"
    assert flat["perpetrators[0].relationship"] == "parent"
    assert flat["perpetrators[0].person.first_name"] == "Rosa"
    assert flat["events[0].description"] == "En un bar"


def test_lists_of_codes_compare_whatever_their_order():
    assert flatten_record(_record())["exploitation_types"] == ["ForcedLabour", "SexualExploitation"]


def test_a_record_and_its_dict_form_flatten_alike():
    from dataclasses import asdict

    record = _record()
    assert flatten_record(asdict(record)) == flatten_record(record)


def test_the_domain_imports_no_django_module():
    import ast
    from pathlib import Path

    import amparo.casework.domain as domain

    for path in Path(domain.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not any(name.split(".")[0] == "django" for name in names), path.name
