"""Reads for linkage: the victims' records from the registry (identities decrypted in memory), runs,
clusters and the pairs waiting for review."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import polars as pl
from django.db.models import Exists, F, OuterRef, Q

from amparo.core import codelists
from amparo.linkage.domain.records import RECORD_SCHEMA
from amparo.linkage.models import (
    ClusterDecision,
    ClusterMembership,
    ClusterRevision,
    LinkageRun,
    PairDecision,
    ScoredPair,
)
from amparo.registry.access import cases_visible_to, identity_for
from amparo.registry.models import Case, PersonIdentity

CASE_SCHEMA = {"case_id": pl.Int64, "person_id": pl.Int64, "source": pl.String, "source_record_id": pl.String}


def victim_cases(person_ids: set[int] | None = None) -> pl.DataFrame:
    """Every case with its victim and source (CASE_SCHEMA), in case order. No identifying field."""
    cases = Case.objects.order_by("id")
    if person_ids is not None:
        cases = cases.filter(victim_id__in=person_ids)
    rows = cases.values_list("id", "victim_id", "source_organisation__name", "source_record_id")
    return pl.DataFrame(list(rows), schema=CASE_SCHEMA, orient="row")


def victim_records(person_ids: set[int] | None = None) -> pl.DataFrame:
    """One record per victim (RECORD_SCHEMA, unique_id = the person's id): the identity, decrypted here in
    memory, with the source, date, age and department of the victim's first case."""
    cases = Case.objects.order_by("id")
    if person_ids is not None:
        cases = cases.filter(victim_id__in=person_ids)
    first_cases = {}
    for person_id, source, registered, age, department, gender in cases.values_list(
        "victim_id",
        "source_organisation__name",
        "registration_date",
        "age_when_trafficked",
        "department_code",
        "victim__gender",
    ).iterator(chunk_size=5000):
        if person_id not in first_cases:
            first_cases[person_id] = (source, registered, age, department, gender)
    identities = (
        PersonIdentity.objects.filter(person_id__in=first_cases)
        if person_ids is not None
        else PersonIdentity.objects.filter(Exists(Case.objects.filter(victim_id=OuterRef("person_id"))))
    )
    known = {
        identity.person_id: (identity.first_name, identity.second_name, identity.birthdate, identity.identity_number)
        for identity in identities.only(
            "person_id", "first_name", "second_name", "birthdate", "identity_number"
        ).iterator(chunk_size=5000)
    }
    rows = []
    for person_id, (source, registered, age, department, gender) in first_cases.items():
        given, surnames, born, number = known.get(person_id, ("", "", "", ""))
        rows.append(
            (
                person_id,
                source,
                given or None,
                surnames or None,
                date.fromisoformat(born) if born else None,
                number or None,
                None if gender in ("", codelists.GENDER_UNKNOWN) else gender,
                age,
                registered,
                department or None,
            )
        )
    return pl.DataFrame(rows, schema=RECORD_SCHEMA, orient="row")


def latest_run() -> LinkageRun | None:
    return LinkageRun.objects.filter(finished_at__isnull=False).order_by("-id").first()


def decisions() -> list[tuple[int, int, str]]:
    return list(PairDecision.objects.values_list("first_id", "second_id", "verdict"))


def cluster_keys() -> dict[int, str]:
    """{person id: cluster key} as the last run and the decisions since left them."""
    return dict(ClusterMembership.objects.values_list("person_id", "cluster_key"))


def clusters_revision() -> str:
    """The token of the clusters' current revision: it changes with every run and decision ("" before any)."""
    return ClusterRevision.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def linked_victims() -> pl.DataFrame:
    """{person_id, victim}: for each linked person, the smallest person id of their cluster, so that one
    integer names one linked victim; a person no run has linked is not listed (and is a victim on their own)."""
    memberships = pl.DataFrame(
        list(ClusterMembership.objects.values_list("person_id", "cluster_key")),
        schema={"person_id": pl.Int64, "cluster_key": pl.String},
        orient="row",
    )
    return memberships.select("person_id", victim=pl.col("person_id").min().over("cluster_key"))


def linked_sources() -> int:
    """How many sources the cases whose victims a run has linked come from."""
    return (
        Case.objects.filter(victim__linkage_cluster__isnull=False)
        .order_by()
        .values("source_organisation_id")
        .distinct()
        .count()
    )


@dataclass(frozen=True)
class Victim:
    """The victim a person's records belong to: the linked victim's key ("" before any run has linked the
    person) and its people (the person, and everyone linked to them)."""

    key: str
    people: frozenset[int]


def victims_of(person_ids: Iterable[int]) -> dict[int, Victim]:
    """{person id: the victim they are} for each person."""
    person_ids = set(person_ids)
    keys = dict(ClusterMembership.objects.filter(person_id__in=person_ids).values_list("person_id", "cluster_key"))
    members: dict[str, set[int]] = {}
    for person_id, key in ClusterMembership.objects.filter(cluster_key__in=set(keys.values())).values_list(
        "person_id", "cluster_key"
    ):
        members.setdefault(key, set()).add(person_id)
    return {
        person_id: Victim(keys[person_id], frozenset(members[keys[person_id]]))
        if person_id in keys
        else Victim("", frozenset({person_id}))
        for person_id in person_ids
    }


def victim_cases_seen(user, person_ids: Iterable[int]) -> dict[int, tuple[Victim, int]]:
    """{person id: (the victim they are, how many of that victim's cases the user may see)}."""
    victims = victims_of(person_ids)
    people = set().union(*(victim.people for victim in victims.values()))
    seen = Counter(cases_visible_to(user).filter(victim_id__in=people).values_list("victim_id", flat=True))
    return {person_id: (victim, sum(seen[person] for person in victim.people)) for person_id, victim in victims.items()}


def other_reports(user, case: Case):
    """The other cases of the same victim (the same person, or a person linked to it) that the user may see,
    with their sources, oldest first."""
    return (
        cases_visible_to(user)
        .filter(victim_id__in=victims_of([case.victim_id])[case.victim_id].people)
        .exclude(pk=case.pk)
        .select_related("source_organisation")
        .order_by("registration_date", "id")
    )


def review_queue():
    """The scored pairs of the last run of the whole registry, and of the runs that linked new records since,
    that are in their run's uncertain band and that nobody has decided yet, least certain first."""
    decided = PairDecision.objects.filter(first_id=OuterRef("first_id"), second_id=OuterRef("second_id"))
    return (
        ScoredPair.objects.filter(match_probability__lt=F("run__link_threshold"))
        .exclude(Exists(decided))
        .order_by("match_probability", "id")
    )


def case_clusters() -> pl.DataFrame:
    """One row per case: `source` (the organisation's name), `source_record_id` and `victim` (the key of
    the linked victim; empty for a victim no run has linked yet), in case order."""
    keys = pl.DataFrame(
        list(ClusterMembership.objects.values_list("person_id", "cluster_key")),
        schema={"person_id": pl.Int64, "victim": pl.String},
        orient="row",
    )
    return (
        victim_cases()
        .join(keys, on="person_id", how="left", maintain_order="left")
        .select("source", "source_record_id", pl.col("victim").fill_null(""))
    )


def review_side(user, person_id: int, request=None) -> dict:
    """One side of a pair to review: the victim's first case the user may see, how many cases they have,
    and their identity only if the user may see identities (each view of it audited)."""
    cases = cases_visible_to(user).filter(victim_id=person_id).select_related("source_organisation", "victim")
    case = cases.order_by("id").first()
    return {"case": case, "cases": cases.count(), "identity": identity_for(user, case, request) if case else None}


def cluster_key_of(person_id: int) -> str:
    """The key of the linked victim a person belongs to ("" before any run has linked them)."""
    return ClusterMembership.objects.filter(person_id=person_id).values_list("cluster_key", flat=True).first() or ""


def cluster_members(cluster_key: str) -> list[int]:
    """The person ids of a linked victim, in order; empty when no such victim exists (any more)."""
    return list(
        ClusterMembership.objects.filter(cluster_key=cluster_key)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )


def cluster_decisions(cluster_key: str):
    """The merges and splits made on a linked victim (under this key), newest first."""
    return ClusterDecision.objects.filter(Q(cluster_key=cluster_key) | Q(other_cluster_key=cluster_key)).select_related(
        "decided_by"
    )
