"""The data managers' review of linkage: the pairs the model is unsure of, side by side, to accept or reject."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from amparo.core.geography import place_name
from amparo.linkage import selectors
from amparo.linkage.models import Verdict
from amparo.linkage.permissions import may_review
from amparo.linkage.services import pair_decide

PAIRS_PER_PAGE = 10


@login_required
def review_view(request):
    if not may_review(request.user):
        raise PermissionDenied
    run = selectors.latest_run()
    queue = selectors.review_queue() if run is not None else None
    pairs = [
        {"pair": pair, "sides": [_side(request, person) for person in (pair.first_id, pair.second_id)]}
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


def _side(request, person_id: int) -> dict:
    side = selectors.review_side(request.user, person_id, request)
    case = side["case"]
    return {**side, "place": place_name(case.department_code) if case and case.department_code else ""}


@require_POST
@login_required
def decide_view(request, first: int, second: int):
    verdict = request.POST.get("verdict", "")
    if verdict not in Verdict.values:
        raise PermissionDenied
    pair_decide(user=request.user, first_id=first, second_id=second, verdict=verdict, request=request)
    return redirect("linkage:review")
