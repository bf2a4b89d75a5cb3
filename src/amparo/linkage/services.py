"""Writes of linkage: a run over the whole registry, and people's decisions about pairs.

Only linkage's own tables are written; the registry is read. Identities are
decrypted by the registry's fields into this process's memory and handed to the
linkage engine, which keeps them in memory too (linkage.domain.engine).
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from uuid import uuid4

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from splink.internals.exceptions import SplinkException

from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.linkage import selectors
from amparo.linkage.domain import comparisons, engine
from amparo.linkage.domain.clusters import Decision, cluster
from amparo.linkage.domain.linking import DEFAULT_THRESHOLDS, Thresholds, link, link_new
from amparo.linkage.models import (
    ClusterDecision,
    ClusterDecisionKind,
    ClusterMembership,
    ClusterRevision,
    LinkageRun,
    PairDecision,
    ScoredPair,
    Verdict,
)
from amparo.linkage.permissions import require_reviewer

# Fewer records than this hold too few pairs to estimate a model from; an earlier run's model is reused.
MIN_TRAINING_RECORDS = 200
CLUSTER_KEY_PREFIX = "V"
ENGINES = ("duckdb", "spark")


class LinkageRefused(ValueError):
    """The registry cannot be linked as it is; the message says why and what to do."""


def code_version(backend: engine.Backend = engine.DEFAULT_BACKEND) -> str:
    return f"amparo {version('amparo')}, splink {version('splink')}, {backend.describe()}"


@contextmanager
def linkage_backend(name: str) -> Iterator[engine.Backend]:
    """The engine a run links on: DuckDB in this process, or Spark on settings.LINKAGE_SPARK_MASTER (a session
    started for the run and stopped after it). Raises LinkageRefused when Spark cannot start."""
    if name not in ENGINES:
        raise LinkageRefused(_("Unknown engine %(name)s: expected duckdb or spark.") % {"name": name})
    if name == "duckdb":
        yield engine.DEFAULT_BACKEND
        return
    from amparo.linkage.domain.spark import Spark, SparkUnavailable, spark_session

    try:
        with spark_session(settings.LINKAGE_SPARK_MASTER) as session:
            yield Spark(session)
    except SparkUnavailable as problem:  # raised only while the session starts
        raise LinkageRefused(_("The Spark engine cannot run: %(problem)s.") % {"problem": problem}) from None


def _decisions(person_ids: set[int] | None = None) -> list[Decision]:
    rows = selectors.decisions()
    if person_ids is not None:
        rows = [row for row in rows if row[0] in person_ids and row[1] in person_ids]
    return [Decision(first, second, verdict) for first, second, verdict in rows]


def _check_linkable(records: pl.DataFrame) -> None:
    if records.is_empty():
        raise LinkageRefused(
            _(
                "The registry holds no victims' records: there is nothing to link. "
                "Import the sources' cases first (amparo import)."
            )
        )
    identifying = ("given_names", "surnames", "birth_date", "identity_number")
    if records.select(pl.all_horizontal(pl.col(c).is_null() for c in identifying).all()).item():
        raise LinkageRefused(
            _(
                "None of the %(count)d victims' records has a name, a birth date or an identity number: there is "
                "nothing to link them by. Import the sources' files with their identifying columns."
            )
            % {"count": records.height}
        )


def _model_to_use(records: pl.DataFrame, retrain: bool) -> tuple[dict | None, bool]:
    """(model, trained): None to train on the records, else the last run's model."""
    previous = selectors.latest_run()
    if retrain and records.height >= MIN_TRAINING_RECORDS:
        return None, True
    if previous is None:
        raise LinkageRefused(
            _(
                "%(count)d victims' records are too few to learn from: at least %(minimum)d are needed, and no "
                "earlier run has a model to reuse."
            )
            % {"count": records.height, "minimum": MIN_TRAINING_RECORDS}
        )
    return previous.model, False


def _keys(clusters: pl.DataFrame, cases: pl.DataFrame) -> pl.DataFrame:
    """(person_id, cluster_key): a cluster is named after the smallest case id among its victims' cases,
    which no later run or import changes unless that case itself leaves the cluster."""
    first_case = cases.group_by("person_id").agg(pl.col("case_id").min())
    return (
        clusters.join(first_case, left_on="unique_id", right_on="person_id")
        .with_columns(
            cluster_key=pl.lit(CLUSTER_KEY_PREFIX) + pl.col("case_id").min().over("cluster_id").cast(pl.String)
        )
        .select(person_id="unique_id", cluster_key="cluster_key")
    )


def _evidence(row: dict, labels: dict[str, dict[int, str]]) -> dict:
    return {
        name: {
            "comparison": comparisons.DESCRIPTIONS.get(name, name),
            "level": levels[row[f"gamma_{name}"]],
            "weight": round(row[f"mw_{name}"] + row.get(f"mw_tf_adj_{name}", 0.0), 2),
        }
        for name, levels in labels.items()
    }


def _store_pairs(run: LinkageRun, pairs: pl.DataFrame, thresholds: Thresholds, *, replace: bool = True) -> int:
    labels = engine.level_labels(run.model)
    rows, to_review = [], 0
    for row in pairs.iter_rows(named=True):
        first, second = sorted((row["unique_id_l"], row["unique_id_r"]))
        uncertain = row["match_probability"] < thresholds.link
        to_review += uncertain
        rows.append(
            ScoredPair(
                run=run,
                first_id=first,
                second_id=second,
                match_probability=row["match_probability"],
                match_weight=row["match_weight"],
                evidence=_evidence(row, labels) if uncertain else None,
            )
        )
    if replace:
        ScoredPair.objects.all().delete()
    ScoredPair.objects.bulk_create(rows, batch_size=5000)
    return to_review


def _store_clusters(run: LinkageRun, keys: pl.DataFrame, person_ids: set[int] | None = None) -> None:
    """Replace the memberships (of `person_ids`, or all) and change the clusters' revision, in the caller's
    transaction: the one writer of clusters, so the statistics reload whenever they change."""
    memberships = ClusterMembership.objects.all()
    if person_ids is not None:
        memberships = memberships.filter(person_id__in=person_ids)
    memberships.delete()
    ClusterMembership.objects.bulk_create(
        [ClusterMembership(person_id=person, cluster_key=key, run=run) for person, key in keys.iter_rows()],
        batch_size=5000,
    )
    if not ClusterRevision.objects.filter(pk=1).update(token=uuid4().hex):
        ClusterRevision.objects.create(pk=1, token=uuid4().hex)


def linkage_run(
    *, user=None, thresholds: Thresholds = DEFAULT_THRESHOLDS, retrain: bool = True, engine_name: str = "duckdb"
) -> LinkageRun:
    """Link every victim's records in the registry and replace the clusters; decisions are kept and obeyed.

    Trains a model on the records (unless `retrain` is False or they are too few, when the last run's
    model is reused), on the engine named (ENGINES). Raises LinkageRefused when there is nothing to link.
    """
    started = time.perf_counter()
    records = selectors.victim_records()
    _check_linkable(records)
    model, trained = _model_to_use(records, retrain)
    try:
        with linkage_backend(engine_name) as backend:
            linked = link(records, thresholds=thresholds, decisions=_decisions(), model=model, backend=backend)
            version_linked = code_version(backend)
    except (SplinkException, ValueError) as problem:
        raise LinkageRefused(
            _("The linkage model could not be estimated from these %(count)d records (%(problem)s).")
            % {"count": records.height, "problem": problem}
        ) from None
    keys = _keys(linked.clusters, selectors.victim_cases())
    links = linked.pairs.filter(pl.col("match_probability") >= thresholds.link).height
    with transaction.atomic():
        run = LinkageRun.objects.create(
            started_by=user if user is not None and user.is_authenticated else None,
            model=linked.model,
            link_threshold=thresholds.link,
            review_threshold=thresholds.review,
            code_version=version_linked,
            trained=trained,
            records=records.height,
            sources=records["source"].n_unique(),
            candidate_pairs=linked.candidate_pairs,
            links=links,
            clusters=keys["cluster_key"].n_unique(),
        )
        run.review_pairs = _store_pairs(run, linked.pairs, thresholds)
        _store_clusters(run, keys)
        run.seconds = round(time.perf_counter() - started, 2)
        run.finished_at = timezone.now()
        run.save()
        audit_record(user=user, action=AuditAction.CREATE, obj=run, details=run_figures(run))
    return run


def linkage_link_new(*, user=None, engine_name: str = "duckdb") -> LinkageRun:
    """Link the victims no run has linked yet (a new import) to the clusters as they are, with the last
    run's model and thresholds, scoring only the pairs a new record is in, on the engine named (ENGINES).
    Raises LinkageRefused when no run exists yet or nothing is new."""
    started = time.perf_counter()
    previous = selectors.latest_run()
    if previous is None:
        raise LinkageRefused(_("No linkage has run yet: link the whole registry first (amparo link)."))
    keys = selectors.cluster_keys()
    records = selectors.victim_records()
    is_new = ~pl.col("unique_id").is_in(list(keys))
    new = records.filter(is_new)
    if new.is_empty():
        raise LinkageRefused(_("Every victim's record is already linked: there is nothing new to link."))
    clusters = pl.DataFrame(
        {"unique_id": list(keys), "cluster_id": list(keys.values())},
        schema={"unique_id": pl.Int64, "cluster_id": pl.String},
    )
    thresholds = Thresholds(link=previous.link_threshold, review=previous.review_threshold)
    with linkage_backend(engine_name) as backend:
        linked = link_new(
            records.filter(~is_new),
            clusters,
            new,
            model=previous.model,
            thresholds=thresholds,
            decisions=_decisions(),
            backend=backend,
        )
        version_linked = code_version(backend)
    affected = set(linked.clusters["unique_id"].to_list())
    found = _keys(linked.clusters, selectors.victim_cases(affected))
    with transaction.atomic():
        run = LinkageRun.objects.create(
            started_by=user if user is not None and user.is_authenticated else None,
            model=previous.model,
            link_threshold=thresholds.link,
            review_threshold=thresholds.review,
            code_version=version_linked,
            trained=False,
            new_records_only=True,
            records=new.height,
            sources=new["source"].n_unique(),
            candidate_pairs=linked.pairs.height,
            links=linked.pairs.filter(pl.col("match_probability") >= thresholds.link).height,
        )
        run.review_pairs = _store_pairs(run, linked.pairs, thresholds, replace=False)
        _store_clusters(run, found, affected)
        run.clusters = ClusterMembership.objects.values("cluster_key").distinct().count()
        run.seconds = round(time.perf_counter() - started, 2)
        run.finished_at = timezone.now()
        run.save()
        audit_record(user=user, action=AuditAction.CREATE, obj=run, details=run_figures(run))
    return run


def run_figures(run: LinkageRun) -> dict:
    return {
        name: getattr(run, name)
        for name in (
            "records",
            "sources",
            "candidate_pairs",
            "links",
            "clusters",
            "review_pairs",
            "seconds",
            "link_threshold",
            "review_threshold",
        )
    }


def _recluster(run: LinkageRun, person_ids: set[int]) -> None:
    """Cluster again the victims of the clusters a decision touched, from the stored pairs and every
    decision, without decrypting anything."""
    pairs = pl.DataFrame(
        list(
            ScoredPair.objects.filter(first_id__in=person_ids, second_id__in=person_ids).values_list(
                "first_id", "second_id", "match_weight", "match_probability"
            )
        ),
        schema={
            "unique_id_l": pl.Int64,
            "unique_id_r": pl.Int64,
            "match_weight": pl.Float64,
            "match_probability": pl.Float64,
        },
        orient="row",
    )
    ids = pl.Series("unique_id", sorted(person_ids), dtype=pl.Int64)
    clusters = cluster(ids, pairs, threshold=run.link_threshold, decisions=_decisions(person_ids))
    _store_clusters(run, _keys(clusters, selectors.victim_cases(person_ids)), person_ids)


def _record_verdicts(user, pairs: set[tuple[int, int]], verdict: str) -> list[PairDecision]:
    """Store `verdict` on each pair of person ids (a new verdict on a pair replaces the old one): the one
    writer of the decisions every run obeys."""
    return [
        PairDecision.objects.update_or_create(
            first_id=min(pair), second_id=max(pair), defaults={"verdict": verdict, "decided_by": user}
        )[0]
        for pair in sorted(pairs)
    ]


def _apply(person_ids: set[int]) -> None:
    """Cluster again, at once, the victims of the clusters a decision touched (those of `person_ids`)."""
    run = selectors.latest_run()
    if run is None:
        return
    keys = selectors.cluster_keys()
    touched = {keys.get(person) for person in person_ids} - {None}
    members = set(ClusterMembership.objects.filter(cluster_key__in=touched).values_list("person_id", flat=True))
    _recluster(run, members | person_ids)


def pair_decide(*, user, first_id: int, second_id: int, verdict: str, request=None) -> PairDecision:
    """Record that two victims' records are the same person or different people, and apply it to the
    clusters now; every later run obeys it. A new verdict on the same pair replaces the old one."""
    require_reviewer(user, (first_id, second_id))
    if verdict not in Verdict.values:
        raise ValueError(f"verdict {verdict!r}: expected one of {', '.join(Verdict.values)}")
    if first_id == second_id:
        raise ValueError("a decision is about two different records")
    first_id, second_id = sorted((first_id, second_id))
    with transaction.atomic():
        (decision,) = _record_verdicts(user, {(first_id, second_id)}, verdict)
        audit_record(
            user=user,
            action=AuditAction.APPROVE if verdict == Verdict.SAME_PERSON else AuditAction.REFUSE,
            obj=decision,
            details={"first": first_id, "second": second_id, "verdict": verdict},
            request=request,
        )
        _apply({first_id, second_id})
    return decision


class ClusterDecisionRefused(ValueError):
    """A merge or split that cannot be made as asked; the message says why and what to do."""


def no_such_victim(cluster_key: str) -> str:
    return _(
        "There is no linked victim %(key)s: a linkage run or a decision since the page was shown may have changed "
        "the victims. Open the victim again from the review page."
    ) % {"key": cluster_key}


def _members(cluster_key: str) -> set[int]:
    """The person ids of a linked victim; refused when no such victim exists (any more)."""
    members = set(selectors.cluster_members(cluster_key))
    if not members:
        raise ClusterDecisionRefused(no_such_victim(cluster_key))
    return members


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ClusterDecisionRefused(_("Say why: a merge or split needs a reason, kept for whoever reviews it."))
    return reason


def clusters_merge(*, user, cluster_key: str, other_key: str, reason: str, request=None) -> ClusterDecision:
    """Make two linked victims one: every record of one is accepted as the same person as every record of
    the other (replacing any rejection between them), so every later run, and the linking of new records,
    keeps them together. Applied at once and audited; the reason is kept sealed."""
    require_reviewer(user)
    cluster_key, other_key = cluster_key.strip(), other_key.strip()
    if cluster_key == other_key:
        raise ClusterDecisionRefused(
            _("%(key)s cannot be merged with itself: give the key of another linked victim.") % {"key": cluster_key}
        )
    first, other = _members(cluster_key), _members(other_key)
    reason = _reason(reason)
    require_reviewer(user, tuple(sorted(first | other)))
    pairs = {(a, b) for a in first for b in other}
    return _decided(
        user,
        request,
        pairs,
        Verdict.SAME_PERSON,
        AuditAction.APPROVE,
        {"merge": [cluster_key, other_key], "records": sorted(first | other), "pairs": len(pairs)},
        first | other,
        kind=ClusterDecisionKind.MERGE,
        cluster_key=cluster_key,
        other_cluster_key=other_key,
        reason=reason,
    )


def cluster_split(*, user, cluster_key: str, person_id: int, reason: str, request=None) -> ClusterDecision:
    """Take one record out of a linked victim: it is rejected as a different person from every other record
    of that victim (replacing any acceptance between them), so no later run puts it back with any of them,
    not even through a third record. The others stay together where the model or a decision links them
    without it. Applied at once and audited; the reason is kept sealed."""
    require_reviewer(user)
    cluster_key = cluster_key.strip()
    members = _members(cluster_key)
    if person_id not in members:
        raise ClusterDecisionRefused(
            _("Record %(person)s is not one of linked victim %(key)s's records: open the victim again.")
            % {"person": person_id, "key": cluster_key}
        )
    if members == {person_id}:
        raise ClusterDecisionRefused(
            _("Linked victim %(key)s has only this record: there is nothing to split it from.") % {"key": cluster_key}
        )
    reason = _reason(reason)
    require_reviewer(user, tuple(sorted(members)))
    pairs = {(person_id, other) for other in members - {person_id}}
    return _decided(
        user,
        request,
        pairs,
        Verdict.DIFFERENT_PEOPLE,
        AuditAction.REFUSE,
        {"split": cluster_key, "record": person_id, "from": sorted(members - {person_id})},
        members,
        kind=ClusterDecisionKind.SPLIT,
        cluster_key=cluster_key,
        person_id=person_id,
        reason=reason,
    )


def _decided(
    user, request, pairs: set, verdict: str, action: str, details: dict, records: set[int], **decision
) -> ClusterDecision:
    """One merge or split, in one transaction: the reviewer's verdict on each pair it decides, the decision
    kept with its sealed reason, its audit event, and the clusters of its records made again."""
    with transaction.atomic():
        _record_verdicts(user, pairs, verdict)
        made = ClusterDecision.objects.create(pairs=len(pairs), decided_by=user, **decision)
        audit_record(user=user, action=action, obj=made, details=details, request=request)
        _apply(records)
    return made
