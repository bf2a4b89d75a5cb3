"""The case frame's derived columns follow the registry's own rules, whatever the events and perpetrators."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from amparo.registry.frames import EVENT, PERPETRATOR, derived_columns
from amparo.registry.records import EventRecord, PerpetratorRecord, case_place, family_facilitated

PLACES = st.sampled_from(["", "15", "1501", "150101", "08", "0801", "080101", "25"])
EVENTS = st.builds(
    lambda t, u, c: EventRecord(t, u, "PE" if u else c),
    st.sampled_from(["Exploitation", "Transit", "Recruitment"]),
    PLACES,
    st.sampled_from(["PE", "CL"]),
)
PERPETRATORS = st.builds(
    PerpetratorRecord, st.sampled_from(["parent", "uncle_aunt", "employer", "stranger"]), st.booleans()
)


@settings(max_examples=300, deadline=None)  # a shared machine may be slow; the rule is checked, not time
@given(
    st.lists(st.lists(EVENTS, max_size=5), min_size=1, max_size=4),
    st.lists(st.lists(PERPETRATORS, max_size=3), min_size=1, max_size=4),
)
def test_the_derived_place_and_flag_are_the_registry_s_own(events, perpetrators):
    cases = list(zip(events, perpetrators))
    frame = pl.DataFrame(
        {
            "events": [
                [
                    {
                        "event_type": e.event_type,
                        "ubigeo": e.ubigeo,
                        "country": e.country,
                        "date": None,
                        "description": "",
                    }
                    for e in case_events
                ]
                for case_events, _ in cases
            ],
            "perpetrators": [
                [
                    {
                        "relationship": p.relationship,
                        "lives_in_household": p.lives_in_household,
                        "roles": [],
                        "gender": "",
                        "citizenship": "",
                        "first_name": "",
                        "second_name": "",
                        "birthdate": None,
                        "identity_number": "",
                    }
                    for p in case_perpetrators
                ]
                for _, case_perpetrators in cases
            ],
        },
        schema={"events": pl.List(EVENT), "perpetrators": pl.List(PERPETRATOR)},
    )
    derived = derived_columns(frame)
    assert derived.rows() == [(*case_place(e), family_facilitated(p)) for e, p in cases]
