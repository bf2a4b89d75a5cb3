"""The Splink model for Peruvian victim records: comparisons, blocking rules and settings.

Each comparison reads the features of records.features. Its levels run from the
strongest evidence to the weakest, so a pair falls into the first level it
meets. Each level starts from a prior m probability (the share of true matches
that fall into it, from how registries slip); training (engine.train) replaces
it wherever the data holds pairs at that level, so a discrepancy the training
data happens not to show still counts as the evidence it is. Conditions are
written with Splink's level creators, or in SQL every Splink backend runs, so
the same settings work on DuckDB and Spark.
"""

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

UNIQUE_ID = "unique_id"


def gettext_noop(message: str) -> str:
    """Marks a label for translation (makemessages finds it by this name) and leaves it in English: the model
    stores it so, and pages translate it when they show it. Django's own marker needs its settings, which the
    linkage engine runs without."""
    return message


# What each comparison compares, in words (the name of its output column is its key).
DESCRIPTIONS = {
    "given_names": gettext_noop("given names"),
    "surnames": gettext_noop("surnames"),
    "birth_date": gettext_noop("birth date"),
    "identity_number": gettext_noop("identity number"),
    "registration_date": gettext_noop("registration date"),
    "sex": gettext_noop("sex"),
    "department": gettext_noop("department"),
}


# Given names written in the surnames' place and the other way round (Peruvian forms ask for "apellidos y
# nombres", surnames first): one record's given names are the other's surnames, whole or their first word.
# Both name comparisons have this level, since the pair's given names and its surnames each disagree only
# because they were swapped.
NAMES_SWAPPED = (
    "given_key_l = surname_key_r OR given_key_r = surname_key_l"
    " OR given_first_l = surname_first_r OR given_first_r = surname_first_l"
)


def _level(level, m: float, label: str, **options):
    return level.configure(m_probability=m, label_for_charts=label, **options)


def given_names() -> cl.CustomComparison:
    """Given names: compound names shortened to one of them ("María del Carmen", "Carmen"), typos."""
    return cl.CustomComparison(
        output_column_name="given_names",
        comparison_levels=[
            cll.NullLevel("given_key"),
            _level(
                cll.ExactMatchLevel("given_key"),
                0.85,
                gettext_noop("same given names"),
                tf_adjustment_column="given_key",
            ),
            _level(cll.ArraySubsetLevel("given_tokens"), 0.06, gettext_noop("one name of a compound given name")),
            _level(
                cll.Or(
                    cll.ArraySubsetLevel("given_phonetic_tokens"),
                    cll.JaroWinklerLevel("given_first", 0.9),
                    cll.JaroWinklerLevel("given_key", 0.92),
                ),
                0.06,
                gettext_noop("given names alike (typo, sound-alike spelling)"),
            ),
            _level(
                cll.ArrayIntersectLevel("given_tokens", 1), 0.01, gettext_noop("one given name shared, another differs")
            ),
            _level(cll.CustomLevel(NAMES_SWAPPED), 0.02, gettext_noop("given names and surnames swapped")),
            _level(cll.ElseLevel(), 0.02, gettext_noop("different given names")),
        ],
    )


def surnames() -> cl.CustomComparison:
    """Two surnames in either order, only one of them, run together, with typos; rare surnames weigh more."""
    return cl.CustomComparison(
        output_column_name="surnames",
        comparison_levels=[
            cll.NullLevel("surname_key"),
            _level(
                cll.ExactMatchLevel("surname_key"),
                0.82,
                gettext_noop("same surnames"),
                tf_adjustment_column="surname_key",
            ),
            _level(
                cll.Or(cll.ExactMatchLevel("surname_sorted"), cll.ExactMatchLevel("surname_concat")),
                0.05,
                gettext_noop("same surnames, swapped or run together"),
                tf_adjustment_column="surname_key",
            ),
            # Each surname alike on its own: one shared surname and a long common prefix must not pass.
            _level(
                cll.Or(
                    cll.ExactMatchLevel("surname_phonetic_sorted"),
                    cll.And(cll.JaroWinklerLevel("surname_first", 0.9), cll.JaroWinklerLevel("surname_last", 0.9)),
                ),
                0.08,
                gettext_noop("surnames alike (typo, sound-alike spelling)"),
            ),
            _level(
                cll.Or(cll.ArraySubsetLevel("surname_tokens"), cll.ArraySubsetLevel("surname_phonetic_tokens")),
                0.03,
                gettext_noop("only one of the two surnames"),
            ),
            _level(
                cll.ArrayIntersectLevel("surname_phonetic_tokens", 1),
                0.01,
                gettext_noop("one surname shared, the other differs"),
            ),
            _level(cll.CustomLevel(NAMES_SWAPPED), 0.02, gettext_noop("given names and surnames swapped")),
            _level(cll.ElseLevel(), 0.01, gettext_noop("different surnames")),
        ],
    )


def birth_date() -> cl.CustomComparison:
    """Birth dates: day and month swapped, a day, month or year off, or only the year an age implies."""
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.CustomLevel(
                "(birth_ymd_l IS NULL OR birth_ymd_r IS NULL) AND (birth_year_low_l IS NULL OR birth_year_low_r IS NULL)",
                label_for_charts=gettext_noop("no birth date or age to compare"),
            ).configure(is_null_level=True),
            _level(cll.ExactMatchLevel("birth_ymd"), 0.75, gettext_noop("same birth date")),
            _level(cll.CustomLevel("birth_ymd_l = birth_ydm_r"), 0.02, gettext_noop("day and month swapped")),
            _level(
                cll.CustomLevel(
                    "birth_ym_l = birth_ym_r OR birth_yd_l = birth_yd_r"
                    " OR (birth_md_l = birth_md_r AND ABS(birth_year_l - birth_year_r) = 1)"
                    " OR ABS(birth_day_number_l - birth_day_number_r) <= 3"
                ),
                0.10,
                gettext_noop("one of day, month or year differs"),
            ),
            _level(
                cll.CustomLevel("ABS(birth_day_number_l - birth_day_number_r) <= 366"),
                0.03,
                gettext_noop("within a year"),
            ),
            _level(
                cll.CustomLevel(
                    "(birth_ymd_l IS NULL OR birth_ymd_r IS NULL)"
                    " AND birth_year_low_l <= birth_year_high_r AND birth_year_low_r <= birth_year_high_l"
                ),
                0.08,
                gettext_noop("birth years implied by the age agree"),
            ),
            _level(cll.ElseLevel(), 0.02, gettext_noop("different birth dates")),
        ],
    )


def identity_number() -> cl.CustomComparison:
    """The DNI (or a foreign document's number): often missing, sometimes one digit mistyped."""
    return cl.CustomComparison(
        output_column_name="identity_number",
        comparison_levels=[
            cll.NullLevel("identity_number"),
            _level(cll.ExactMatchLevel("identity_number"), 0.95, gettext_noop("same identity number")),
            _level(cll.DamerauLevenshteinLevel("identity_number", 1), 0.04, gettext_noop("one digit differs")),
            _level(cll.ElseLevel(), 0.01, gettext_noop("different identity numbers")),
        ],
    )


def registration_date() -> cl.CustomComparison:
    """When the case was registered: the sources that report one exploitation do so within weeks of each
    other, while a child trafficked again is registered years later (a weak difference)."""
    gap = "ABS(registration_day_number_l - registration_day_number_r)"
    return cl.CustomComparison(
        output_column_name="registration_date",
        comparison_levels=[
            cll.NullLevel("registration_day_number"),
            _level(cll.CustomLevel(f"{gap} <= 31"), 0.6, gettext_noop("registered within a month")),
            _level(cll.CustomLevel(f"{gap} <= 183"), 0.3, gettext_noop("registered within six months")),
            _level(cll.CustomLevel(f"{gap} <= 731"), 0.05, gettext_noop("registered within two years")),
            _level(cll.ElseLevel(), 0.05, gettext_noop("registered years apart")),
        ],
    )


def _agreement(column: str, m_same: float, same: str, different: str) -> cl.CustomComparison:
    """A field that sources record differently for the same person often enough that its m is set, not
    learnt: the synthetic training data would teach that they always agree."""
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            _level(cll.ExactMatchLevel(column), m_same, same, fix_m_probability=True),
            _level(cll.ElseLevel(), 1 - m_same, different, fix_m_probability=True),
        ],
    )


def sex() -> cl.CustomComparison:
    return _agreement("sex", 0.97, gettext_noop("same sex"), gettext_noop("different sex"))


def department() -> cl.CustomComparison:
    """The department of the case: sources often record where the child was found, or came from, or
    where the complaint was made, so a difference is weak evidence."""
    return _agreement("department", 0.75, gettext_noop("same department"), gettext_noop("different department"))


COMPARISONS = (given_names, surnames, birth_date, identity_number, registration_date, sex, department)


def comparisons() -> list:
    return [make() for make in COMPARISONS]


def blocking_rules() -> list:
    """Pairs worth comparing: any one of these agreements. Together they keep every pair that shares
    an identity number; or a sound-alike given name, one surname and the age; or a given name and
    both surnames in any order; or both surnames and the birth year or the age; or one name and the
    birth date; or the full given names, the age and the year of registration; or, with the birth
    date, the first given name and the first surname swapped, or the identity number's digits in
    another order. Pairs that agree on none are never compared (docs/linkage.md)."""
    return [
        block_on("identity_number"),
        block_on("given_phonetic_first", "surname_phonetic_first", "age"),
        block_on("given_phonetic_first", "surname_phonetic_last", "age"),
        block_on("given_phonetic_last", "surname_phonetic_first", "age"),
        block_on("given_phonetic_first", "surname_phonetic_sorted"),
        block_on("surname_phonetic_sorted", "birth_year"),
        block_on("surname_phonetic_sorted", "age"),
        block_on("given_phonetic_first", "birth_ymd"),
        block_on("surname_phonetic_first", "birth_ymd"),
        block_on("surname_phonetic_last", "birth_ymd"),
        block_on("given_key", "age", "registration_year"),
        CustomRule("l.given_phonetic_first = r.surname_phonetic_first AND l.birth_ymd = r.birth_ymd"),
        CustomRule("l.surname_phonetic_first = r.given_phonetic_first AND l.birth_ymd = r.birth_ymd"),
        block_on("identity_digits_sorted", "birth_ymd"),
    ]


def settings() -> SettingsCreator:
    """The untrained model: comparisons and blocking rules; train.py estimates its parameters."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=UNIQUE_ID,
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_matching_columns=True,  # Splink numbers each pair's levels (gamma) only beside the values
        retain_intermediate_calculation_columns=True,
        linker_uid="amparo",  # Splink draws one at random otherwise, and the same data would give another model
    )
