"""Why a row was quarantined: row, column, value and what was expected, rendered in the user's language.

Problems are stored as plain dicts (reason code and parameters), so the same
quarantined row reads in Spanish for one user and in English for another.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.utils.translation import gettext_lazy as _

MISSING = "missing"
NOT_UNDERSTOOD = "not_understood"
NOT_A_DATE = "not_a_date"
FUTURE_DATE = "future_date"
TOO_EARLY = "too_early"
TOO_LONG = "too_long"
NOT_AN_AGE = "not_an_age"
NOT_A_PLACE = "not_a_place"
PLACE_MISMATCH = "place_mismatch"
NOT_A_COUNTRY = "not_a_country"
DUPLICATE_ID = "duplicate_id"
RAGGED = "ragged"
UBIGEO_OUTSIDE_PERU = "ubigeo_outside_peru"
PER_PERPETRATOR = "per_perpetrator"
HOUSEHOLD_PER_PERPETRATOR = "household_per_perpetrator"
PER_EVENT = "per_event"
EVENT_WITHOUT_PLACE = "event_without_place"
EVENT_ORDER = "event_order"
UNKNOWN_FIELD = "unknown_field"
OUTSIDE_SCOPE = "outside_scope"

EXPECTATIONS = {
    MISSING: _("a value: this column is required"),
    NOT_UNDERSTOOD: _("one of: %(choices)s"),
    NOT_A_DATE: _("a date as YYYY-MM-DD or DD/MM/YYYY"),
    FUTURE_DATE: _("a date that is not in the future"),
    TOO_EARLY: _("a date on or after %(earliest)s"),
    TOO_LONG: _("at most %(length)s characters"),
    NOT_AN_AGE: _("a whole number of years from 0 to 120"),
    NOT_A_PLACE: _("an INEI ubigeo code (2, 4 or 6 digits) or the name of a department of Peru"),
    PLACE_MISMATCH: _("a department that agrees with the ubigeo code %(ubigeo)s"),
    NOT_A_COUNTRY: _("a country as an ISO 3166-1 code (PE, PER) or its name"),
    UBIGEO_OUTSIDE_PERU: _("Peru (PE) or nothing, since an ubigeo of Peru is given"),
    DUPLICATE_ID: _("an identifier used once in the file (already used in row %(first_row)s)"),
    RAGGED: _("at most %(width)s cells, as many as the header has"),
    PER_PERPETRATOR: _(
        "one value per perpetrator, separated by ';': %(count)s, as many as the relationships in "
        "recruiter_relationship (or nothing)"
    ),
    HOUSEHOLD_PER_PERPETRATOR: _(
        "one yes/no for every perpetrator, or one per perpetrator separated by ';': "
        "%(count)s, as many as the relationships in recruiter_relationship"
    ),
    PER_EVENT: _(
        "one value per event, separated by ';': %(count)s, as many as the other columns of these events "
        "hold (or nothing)"
    ),
    EVENT_WITHOUT_PLACE: _(
        "a place for each event (an ubigeo, a department or a country), since a date or description is given for it"
    ),
    EVENT_ORDER: _(
        "the type of each event in the order of the events, as many of each type as the event columns hold: %(counts)s"
    ),
    UNKNOWN_FIELD: _("a field of the %(format)s format (see the API's schema)"),
    OUTSIDE_SCOPE: _("the identifier of a case within your scope: this source's case with it is not"),
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str
    params: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict:
        data = asdict(self)
        data["params"] = dict(self.params)
        return data


def expected_text(reason: str, params: dict) -> str:
    """What was expected, in the active language."""
    template = str(EXPECTATIONS.get(reason, reason))
    return template % params if "%(" in template else template
