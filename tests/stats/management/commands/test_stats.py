import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> str:
    out = StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


def rows_of(*args) -> list[dict]:
    return json.loads(run(*args))["rows"]


def test_json_by_department_for_a_year(registry):
    rows = rows_of("--year", "2010", "--by", "department", "--format", "json", "--exact")
    assert [(r["department"], r["ubigeo"], r["cases"], r["family_facilitated_cases"]) for r in rows] == [
        ("Lima", "15", 5, 3),
        ("Cusco", "08", 3, 1),
        ("Madre de Dios", "17", 2, 1),
        ("Callao", "07", 1, 0),
        ("Desconocido", None, 1, 1),
        ("Total", "total", 12, 6),
    ]
    assert rows[-1]["share"] == 1.0 and rows[-1]["suppressed"] is False
    assert rows[0]["share"] == pytest.approx(5 / 12, abs=1e-6)
    assert rows[0]["ci_low"] < rows[0]["share"] < rows[0]["ci_high"]
    groups = [r["cases"] for r in rows[:-1]]
    assert groups == sorted(groups, reverse=True)


def test_json_names_the_group_after_the_dimension_with_its_code(registry):
    rows = rows_of("--year", "2010", "--by", "exploitation", "--format", "json", "--lang", "en", "--exact")
    assert rows[0] == {
        "exploitation": "Sexual exploitation",
        "code": "SexualExploitation",
        "cases": 7,
        "share": round(7 / 12, 6),
        "ci_low": rows[0]["ci_low"],
        "ci_high": rows[0]["ci_high"],
        "family_facilitated_cases": 4,
        "suppressed": False,
    }


def test_json_by_family_facilitated_keeps_each_label_and_its_count(registry):
    """2010: 6 of the 12 cases family-facilitated; the label of each group is not overwritten by a count."""
    rows = rows_of("--year", "2010", "--by", "family_facilitated", "--format", "json", "--lang", "en", "--exact")
    assert [(r["family_facilitated"], r["code"], r["cases"], r["family_facilitated_cases"]) for r in rows] == [
        ("No", "no", 6, 0),
        ("Yes", "yes", 6, 6),
        ("Total", "total", 12, 6),
    ]


@pytest.mark.parametrize(
    "by,expected",
    [
        ("sex", {"Feminine": 9, "Masculine": 2, "unknown": 1}),
        ("age_group", {"0-12": 2, "13-17": 5, "18-24": 2, "25-34": 1, "35+": 1, "unknown": 1}),
        (
            "recruiter_relationship",
            {
                "parent": 2,
                "uncle_aunt": 1,
                "friend_acquaintance": 2,
                "intimate_partner": 1,
                "employer": 2,
                "stranger": 2,
                "sibling": 1,
                "grandparent": 1,
                "unknown": 2,
            },
        ),
    ],
)
def test_json_by_other_dimensions(registry, by, expected):
    rows = rows_of("--year", "2010", "--by", by, "--format", "json", "--exact")
    assert {r["code"]: r["cases"] for r in rows if r["code"] != "total"} == expected


def test_json_by_year_over_a_range(registry):
    rows = rows_of("--year", "2010-2011", "--by", "year", "--format", "json", "--exact")
    assert [(r["code"], r["cases"]) for r in rows] == [("2010", 12), ("2011", 3), ("total", 15)]


def test_a_range_with_years_without_cases_counts_them_as_zero(registry):
    """The hand-made registry has 2010 (12 cases) and 2011 (3); 2012 has begun with none yet."""
    rows = rows_of("--year", "2011-2012", "--by", "year", "--format", "json", "--exact")
    assert [(r["code"], r["cases"]) for r in rows] == [("2011", 3), ("2012", 0), ("total", 3)]
    departments = rows_of("--year", "2010", "--year", "2030-2031", "--format", "json", "--exact")
    assert departments[-1]["cases"] == 12


def test_department_filter_by_name_or_code(registry):
    by_name = rows_of("--by", "year", "--department", "LIMA", "--format", "json", "--exact")
    by_code = rows_of("--by", "year", "--department", "15", "--format", "json", "--exact")
    assert by_name == by_code
    assert [(r["code"], r["cases"]) for r in by_name] == [("2010", 5), ("2011", 1), ("total", 6)]


def test_victims_unit(registry):
    rows = rows_of("--by", "department", "--department", "Lima", "--unit", "victims", "--format", "json", "--exact")
    assert rows[0]["victims"] == 5  # 6 cases: Y01 (2011) is a second report of L01's victim


def test_suppression_hides_small_counts(registry):
    rows = rows_of("--year", "2010", "--by", "department", "--format", "json", "--suppress")
    assert [(r["ubigeo"], r["cases"], r["suppressed"]) for r in rows] == [
        ("15", 5, False),
        ("07", None, True),
        ("08", None, True),
        ("17", None, True),
        (None, None, True),
        ("total", 12, False),
    ]
    rows = rows_of("--year", "2010", "--by", "department", "--format", "json", "--suppress", "2")
    assert {r["ubigeo"]: r["cases"] for r in rows} == {"15": 5, "08": 3, "17": 2, "07": None, None: None, "total": 12}


def test_terminal_table_is_aligned_with_total(registry):
    text = run("--year", "2010", "--by", "department", "--format", "table", "--lang", "en", "--exact")
    lines = text.splitlines()
    assert lines[0].split() == ["Department", "Code", "Cases", "Share", "95%", "CI", "Family-facilitated"]
    assert lines[2].split()[:5] == ["Lima", "15", "5", "41.7%", "19.3–68.0%"]
    assert lines[2].split()[-1] == "3"
    assert next(line for line in lines if line.startswith("Total")).split() == ["Total", "12", "100.0%", "6"]
    assert len({len(line) for line in lines[:2]}) == 1 or lines[1].startswith("-")
    cases_column = lines[0].index("Cases") + len("Cases")
    assert all(line[cases_column - 1].isdigit() for line in lines[2:7])


def test_terminal_table_in_spanish_notes_multiple_values_and_suppression(registry):
    text = run("--year", "2010", "--by", "exploitation", "--suppress", "--lang", "es")
    assert "Tipo de explotación" in text
    assert "Casos" in text
    assert "más del 100%" in text
    assert "* oculto" in text


@pytest.mark.parametrize(
    "args,message",
    [
        (["--department", "Atlantis"], "'Atlantis' is not a department of Peru"),
        (["--department", "99"], "'99' is not a department of Peru"),
        (["--department", "150101"], "'150101' is not a department of Peru"),
        (["--year", "2031"], "no cases registered in 2031"),
        (["--year", "2030-2031"], "no cases registered in 2030, 2031"),
        (["--year", "20x0"], "'20x0' is not a year or a range of years"),
        (["--year", "0000"], "'0000' is not a year or a range of years"),
        (["--year", "2010-"], "'2010-' is not a year or a range of years"),
        (["--year", "2012-2010"], "ends before it starts"),
        (["--by", "colour"], "unknown dimension 'colour' for --by; valid: year, department, lima_area"),
        (["--unit", "reports"], "valid: cases, victims"),
        (["--suppress", "0"], "positive whole number"),
        (["--suppress", "3", "--exact"], "not allowed with argument"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(registry, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--lang", "en")


def _console_environment(data_dir) -> dict:
    """This environment on a fresh embedded database: the test database of a PostgreSQL run is not the console's."""
    environment = {k: v for k, v in os.environ.items() if k != "AMPARO_DATABASE_URL"}
    return environment | {"AMPARO_DATA_DIR": str(data_dir)}


def test_bad_input_from_the_console_exits_non_zero_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from amparo.cli import main; main()", "stats", "--by", "colour", "--lang", "en"],
        capture_output=True,
        text=True,
        env=_console_environment(tmp_path),
        timeout=120,
    )
    assert result.returncode != 0
    assert "unknown dimension 'colour'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_console_language_is_the_one_amparo_language_names(tmp_path):
    """AMPARO_LANGUAGE=en in a Spanish terminal: the table is in English, as `amparo` promises for the console."""
    environment = _console_environment(tmp_path) | {"AMPARO_LANGUAGE": "en", "LANG": "es_PE.UTF-8"}
    environment.pop("LC_ALL", None)
    environment.pop("LC_MESSAGES", None)

    def amparo(*args):
        return subprocess.run(
            [sys.executable, "-c", "from amparo.cli import main; main()", *args],
            capture_output=True,
            text=True,
            env=environment,
            timeout=300,
        )

    assert amparo("synth", "--years", "2010").returncode == 0
    result = amparo("stats", "--year", "2010", "--by", "sex")
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split()
    assert header[:3] == ["Sex", "Code", "Cases"], header
    assert "Female" in result.stdout and "Femenino" not in result.stdout
