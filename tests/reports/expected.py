"""Figures of the synthetic registry computed with pandas from its CSV files, independently of Amparo's code.

A case's place is its most precise place of exploitation (else transit, else
recruitment); it is family-facilitated when a perpetrator is a relative or
lives in the victim's household. Both rules are written out here again, on purpose.
"""

from pathlib import Path

import pandas as pd

RELATIVES = {"parent", "step_parent", "sibling", "grandparent", "uncle_aunt", "other_relative"}
EVENT_PRIORITY = {"Exploitation": 0, "Transit": 1, "Recruitment": 2}


def synthetic_cases(folder: Path) -> pd.DataFrame:
    """One row per case: year, department, province, district, family_facilitated, gender, age, exploitation."""
    cases = pd.read_csv(folder / "cases.csv", dtype=str, keep_default_na=False)
    events = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    perpetrators = pd.read_csv(folder / "perpetrators.csv", dtype=str, keep_default_na=False)

    events = events[(events.ubigeo != "") & (events.hte_Country == "PE")].copy()
    events["ubigeo"] = events.ubigeo.str.zfill(len(events.ubigeo.iloc[0]) if len(events) else 6)
    events["priority"] = events.hte_Type.map(EVENT_PRIORITY).fillna(3)
    events["precision"] = -events.ubigeo.str.len()
    best = events.sort_values(["source_record_id", "priority", "precision"]).groupby("source_record_id").first()

    perpetrators["family"] = perpetrators.recruiter_relationship.isin(RELATIVES) | (
        perpetrators.lives_in_household == "true"
    )
    family = perpetrators.groupby("source_record_id").family.any()

    frame = cases.set_index("source_record_id")
    frame["year"] = frame.registration_date.str[:4].astype(int)
    place = best.ubigeo.reindex(frame.index).fillna("")
    frame["department"] = place.str[:2]
    frame["province"] = place.where(place.str.len() >= 4, "").str[:4]
    frame["district"] = place.where(place.str.len() == 6, "")
    frame["family_facilitated"] = family.reindex(frame.index).fillna(False).astype(bool)
    frame["age"] = pd.to_numeric(frame.age, errors="coerce")
    return frame.reset_index()


def synthetic_routes(folder: Path) -> pd.DataFrame:
    """One row per case: year, recruitment and exploitation ("unknown", "abroad" or a department code), and
    family_facilitated. Of several events of a kind, the most precise place in Peru, the first listed among
    equals; "abroad" when that kind has only places in other countries."""
    cases = synthetic_cases(folder).set_index("source_record_id")
    events = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    frame = cases[["year", "family_facilitated"]].copy()
    for kind, column in (("Recruitment", "recruitment"), ("Exploitation", "exploitation")):
        of_kind = events[events.hte_Type == kind].copy()
        # Synthetic places are districts: six digits, whatever a spreadsheet may have dropped.
        of_kind["ubigeo"] = of_kind.ubigeo.where(of_kind.ubigeo == "", of_kind.ubigeo.str.zfill(6))
        in_peru = of_kind[(of_kind.hte_Country == "PE") & (of_kind.ubigeo != "")].copy()
        in_peru["precision"] = -in_peru.ubigeo.str.len()
        best = in_peru.sort_values(["source_record_id", "precision"], kind="stable").groupby("source_record_id").first()
        abroad = set(of_kind[of_kind.hte_Country != "PE"].source_record_id)
        department = best.ubigeo.str[:2].reindex(frame.index)
        frame[column] = [
            d if isinstance(d, str) else ("abroad" if ref in abroad else "unknown")
            for ref, d in zip(frame.index, department)
        ]
    return frame.reset_index()
