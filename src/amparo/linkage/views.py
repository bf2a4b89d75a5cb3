"""The data managers' review of linkage: the pairs the model is unsure of, side by side, to accept or reject;
and each linked victim's records, to merge with another victim or to split a record out of."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.core.geography import place_name
from amparo.linkage import selectors
from amparo.linkage.models import Verdict
from amparo.linkage.permissions import may_review
from amparo.linkage.services import ClusterDecisionRefused, cluster_split, clusters_merge, no_such_victim, pair_decide

PAIRS_PER_PAGE = 10


def _require_reviewer(request) -> None:
    if not may_review(request.user):
        raise PermissionDenied


@login_required
def review_view(request):
    _require_reviewer(request)
    run = selectors.latest_run()
    queue = selectors.review_queue() if run is not None else None
    pairs = [
        {
            "pair": pair,
            "sides": [
                _side(request, person, selectors.cluster_key_of(person)) for person in (pair.first_id, pair.second_id)
            ],
        }
        for pair in (queue[:PAIRS_PER_PAGE] if queue is not None else [])
    ]
    return render(
        request,
        "linkage/review.html",
        {
            "run": run,
            "waiting": queue.count() if queue is not None else 0,
            "pairs": pairs,
            "verdicts": Verdict,
        },
    )


def _side(request, person_id: int, victim: str) -> dict:
    side = selectors.review_side(request.user, person_id, request)
    case = side["case"]
    return {
        **side,
        "person_id": person_id,
        "victim": victim,
        "place": place_name(case.department_code) if case and case.department_code else "",
    }


@require_POST
@login_required
def decide_view(request, first: int, second: int):
    verdict = request.POST.get("verdict", "")
    if verdict not in Verdict.values:
        raise PermissionDenied
    pair_decide(user=request.user, first_id=first, second_id=second, verdict=verdict, request=request)
    return redirect("linkage:review")


@login_required
def victim_find_view(request):
    """The page of the linked victim whose key was typed on the review page."""
    _require_reviewer(request)
    key = request.GET.get("key", "").strip().upper()
    if not key:
        messages.error(request, _("Type the key of a linked victim (V and a number, as in the clusters file)."))
        return redirect("linkage:review")
    return redirect("linkage:victim", key=key)


@login_required
def victim_view(request, key: str):
    """A linked victim's records side by side (identities only to those who may see them), to split a record
    out of it or merge it with another linked victim."""
    _require_reviewer(request)
    members = selectors.cluster_members(key)
    if not members:
        messages.error(request, no_such_victim(key))
        return render(request, "linkage/victim.html", {"key": key, "records": []}, status=404)
    return render(
        request,
        "linkage/victim.html",
        {
            "key": key,
            "records": [_side(request, person, key) for person in members],
            "decisions": selectors.cluster_decisions(key),
            "show_reasons": may(request.user, Capability.IDENTITIES),
        },
    )


@require_POST
@login_required
def merge_view(request, key: str):
    _require_reviewer(request)
    other = request.POST.get("other", "").strip().upper()
    members = selectors.cluster_members(key)
    try:
        clusters_merge(
            user=request.user, cluster_key=key, other_key=other, reason=request.POST.get("reason", ""), request=request
        )
    except ClusterDecisionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("linkage:victim", key=key)
    merged = selectors.cluster_key_of(members[0])
    messages.success(
        request,
        _("Linked victims %(key)s and %(other)s are one victim: %(merged)s.")
        % {"key": key, "other": other, "merged": merged},
    )
    return redirect("linkage:victim", key=merged)


@require_POST
@login_required
def split_view(request, key: str):
    _require_reviewer(request)
    try:
        person = int(request.POST.get("person", ""))
    except ValueError:
        messages.error(request, _("Choose the record to split out of linked victim %(key)s.") % {"key": key})
        return redirect("linkage:victim", key=key)
    members = selectors.cluster_members(key)
    try:
        cluster_split(
            user=request.user, cluster_key=key, person_id=person, reason=request.POST.get("reason", ""), request=request
        )
    except ClusterDecisionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("linkage:victim", key=key)
    messages.success(
        request,
        _("The record is now linked victim %(alone)s, apart from the others.")
        % {"alone": selectors.cluster_key_of(person)},
    )
    rest = [member for member in members if member != person]
    return redirect("linkage:victim", key=selectors.cluster_key_of(rest[0]))
