from datetime import date

from amparo.casework.domain.changes import SEALED, record_changes
from amparo.registry.records import CaseRecord, PerpetratorRecord, PersonRecord


def _record(**overrides):
    values = dict(source_record_id="A-1", registration_date=date(2024, 1, 2),
                  victim=PersonRecord("Feminine", "PE", "Ana", "Ccori", None, "12345678"),
                  perpetrators=[PerpetratorRecord("parent", True, ["Exploiter"])])
    values.update(overrides)
    return CaseRecord(**values)


def test_it_lists_only_what_changed_with_old_and_new_values():
    changes = record_changes(_record(), _record(status="Closed", exploitation_types=["ForcedLabour"]))
    assert changes == {"status": {"old": "Active", "new": "Closed"},
                       "exploitation_types": {"old": [], "new": ["ForcedLabour"]}}


def test_it_seals_identifying_values():
    after = _record(victim=PersonRecord("Feminine", "PE", "Ana", "Ccori", None, "87654321"))
    assert record_changes(_record(), after) == {"victim.identity_number": {"old": SEALED, "new": SEALED}}


def test_it_names_changed_perpetrator_fields_by_position():
    after = _record(perpetrators=[PerpetratorRecord("uncle_aunt", True, ["Exploiter"])])
    assert record_changes(_record(), after) == {"perpetrators[0].relationship": {"old": "parent", "new": "uncle_aunt"}}


def test_the_domain_imports_no_django_module():
    import ast
    from pathlib import Path

    import amparo.casework.domain as domain

    for path in Path(domain.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not any(name.split(".")[0] == "django" for name in names), path.name
