"""The text a normalised row's fingerprint is taken of: equal texts mean the row changes nothing.

Its keys and their order are fixed here, apart from the case frame's columns: a stored fingerprint must stay
the same when a column is renamed, or every case imported before would read as changed.
"""

from __future__ import annotations

import polars as pl

from amparo.exchange.domain.columns import EVENTS
from amparo.registry.frames import PERPETRATOR, PERSON_FIELDS, event_values, perpetrator_values

# The frame's columns, and a perpetrator's fields, under the keys fingerprints were first taken with.
_KEY_OF = {
    "age_when_trafficked": "age",
    "trafficking_status_decision_org": "decision_org",
    "lives_in_household": "in_household",
}
# The keys of a row's text, in their order (the columns of the frame as it was first normalised).
_COLUMNS = (
    "source_record_id",
    "registration_date",
    "birthdate",
    "age_when_trafficked",
    "citizenship",
    "first_name",
    "second_name",
    "identity_number",
    "gender",
    "status",
    "trafficking_status",
    "trafficking_status_decision_org",
    "forced_labour_industry",
    "organised_network",
    "legal_article",
    "exploitation_types",
    "sex_exploitation_types",
    "control_methods",
    "recruitment_methods",
    "perpetrators",
    "events",
)
# The keys of a row that the earlier shape held whole (one exploitation and one recruitment event, perpetrators
# as relationships and one household flag), in their order then.
_EARLIER_COLUMNS = (
    "source_record_id",
    "registration_date",
    "birthdate",
    "exploitation_date",
    "recruitment_date",
    "age_when_trafficked",
    "citizenship",
    "first_name",
    "second_name",
    "identity_number",
    "gender",
    "status",
    "trafficking_status",
    "trafficking_status_decision_org",
    "forced_labour_industry",
    "organised_network",
    "legal_article",
    "exploitation_types",
    "sex_exploitation_types",
    "control_methods",
    "recruitment_methods",
    "relationships",
    "lives_in_household",
    "exploitation_ubigeo",
    "exploitation_country",
    "recruitment_ubigeo",
    "recruitment_country",
)


def fingerprint_text(frame: pl.DataFrame) -> pl.Series:
    """Each normalised row's values as JSON, the text its fingerprint is taken of (equal texts: nothing changed).

    A row that the earlier shape still holds whole is written in that shape, so that a file imported before
    keeps its fingerprints and reads as unchanged, instead of rewriting each of its cases once.
    """

    def first(event_type: str, field: str, name: str) -> pl.Expr:
        return event_values(event_type, field).list.first().alias(name)

    events = pl.col("events")
    types = events.list.eval(pl.element().struct.field("event_type"))
    of_type = {t: types.list.eval(pl.element() == t).list.sum() for _prefix, t in EVENTS}
    person_known = [
        perpetrator_values(f).list.eval(pl.element().is_not_null() & (pl.element().cast(pl.String) != "")).list.any()
        for f in PERSON_FIELDS
    ]
    earlier = (
        (of_type["Exploitation"] <= 1)
        & (of_type["Recruitment"] <= 1)
        & (of_type["Transit"] == 0)
        & ~((types.list.len() == 2) & (types.list.first() == "Recruitment"))
        & ~events.list.eval(pl.element().struct.field("description") != "").list.any()
        & ~perpetrator_values("roles").list.eval(pl.element().list.len() > 0).list.any()
        & ~pl.any_horizontal(person_known)
        & (perpetrator_values("lives_in_household").list.n_unique() <= 1)
    )
    derived = {
        "exploitation_date": first("Exploitation", "date", "exploitation_date"),
        "recruitment_date": first("Recruitment", "date", "recruitment_date"),
        "relationships": perpetrator_values("relationship").alias("relationships"),
        "lives_in_household": perpetrator_values("lives_in_household").list.any(),
        **{
            f"{prefix}_{field}": first(event_type, field, f"{prefix}_{field}").fill_null("")
            for prefix, event_type in EVENTS[:2]
            for field in ("ubigeo", "country")
        },
    }
    perpetrators = pl.col("perpetrators").list.eval(
        pl.element().struct.rename_fields([_KEY_OF.get(f.name, f.name) for f in PERPETRATOR.fields])
    )
    current = {"perpetrators": perpetrators}
    earlier_text = pl.struct(
        [derived.get(c, pl.col(c)).alias(_KEY_OF.get(c, c)) for c in _EARLIER_COLUMNS]
    ).struct.json_encode()
    text = pl.struct([current.get(c, pl.col(c)).alias(_KEY_OF.get(c, c)) for c in _COLUMNS]).struct.json_encode()
    shape = frame.select(earlier)[:, 0]
    if shape.all():  # the texts of a large file are written once, in the one shape its rows need
        return frame.select(earlier_text)[:, 0]
    return frame.select(pl.when(earlier).then(earlier_text).otherwise(text) if shape.any() else text)[:, 0]
