"""A child's care and reintegration pages: thin views over care_services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from amparo.accounts.access import require, statistics_suppressed_for
from amparo.accounts.roles import Capability
from amparo.casework import care_services
from amparo.casework.care_services import ReintegrationRefused
from amparo.casework.domain.follow_ups import VisitState
from amparo.casework.forms import (
    ApprovalForm,
    ArrangementForm,
    AssessmentForm,
    PlacementForm,
    PlanForm,
    ReferralForm,
    ReferralStatusForm,
    VisitForm,
)
from amparo.casework.models import FollowUpVisit, Referral, ReintegrationPlan
from amparo.casework.selectors import (
    care_plans,
    case_visits,
    caseload,
    caseload_entries,
    plans_awaiting_decision,
    retrafficking_rates,
    visits_for,
)
from amparo.core import codelists
from amparo.core.age_bands import age_on
from amparo.registry.access import case_for, cases_in_scope, cases_visible_to, identities_for
from amparo.stats import engine
from amparo.stats.presentation import protection_note

CASELOAD_PAGE_SIZE = 50
VISIT_STATE_LABELS = {
    VisitState.OVERDUE: pgettext_lazy("visit", "overdue"),
    VisitState.DUE_SOON: pgettext_lazy("visit", "due soon"),
    VisitState.SCHEDULED: pgettext_lazy("visit", "scheduled"),
}


def _care_case(request, pk):
    case = case_for(request.user, pk)
    require(request.user, Capability.CARE)
    return case


def _plan_prefix(plan_id) -> str:
    """Each plan's forms get their own field names and ids, so several plans fit on one page."""
    return f"plan{plan_id}"


def _plans_with_forms(request, case, bound: dict) -> list[ReintegrationPlan]:
    plans = care_plans(case, request.user, request)
    for plan in plans:
        prefix = _plan_prefix(plan.pk)
        bound_here = bound.get("plan_id") == plan.pk
        plan.approval_form = (bound_here and bound.get("approval_form")) or ApprovalForm(prefix=prefix)
        plan.placement_form = (bound_here and bound.get("placement_form")) or PlacementForm(prefix=prefix)
    return plans


def _care_page(request, case, status=200, **forms):
    context = {
        "case": case,
        "perpetrators": case.perpetrators.order_by("id"),
        "arrangements": case.care_arrangements.select_related("plan").order_by("-started_on", "-id"),
        "assessments": case.family_assessments.all(),
        "plans": _plans_with_forms(request, case, forms),
        "visits": case_visits(case, timezone.localdate()),
        "referrals": case.referrals.all(),
        "assessment_form": forms.get("assessment_form") or AssessmentForm(),
        "plan_form": forms.get("plan_form") or PlanForm(),
        "arrangement_form": forms.get("arrangement_form") or ArrangementForm(prefix="arrangement"),
        "referral_form": forms.get("referral_form") or ReferralForm(),
        "referral_status_form": ReferralStatusForm(),
    }
    return render(request, "casework/care.html", context, status=status)


@login_required
def care_view(request, pk):
    return _care_page(request, _care_case(request, pk))


def _refused(request, case, error: ReintegrationRefused, form_name: str, form, plan_id=None):
    """The care page again, the refusal shown beside the form whose request it refused; its first field takes
    the focus, so the browser shows the form and the refusal rather than the top of a long page."""
    form.add_error(None, str(error))
    first = next(iter(form.fields.values()))
    first.widget.attrs["autofocus"] = True
    return _care_page(request, case, status=409, plan_id=plan_id, **{form_name: form})


@login_required
@require_POST
def assessment_create_view(request, pk):
    case = _care_case(request, pk)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        return _care_page(request, case, status=400, assessment_form=form)
    care_services.family_assessment_record(case=case, user=request.user, request=request, **form.cleaned_data)
    messages.success(request, _("Family assessment recorded."))
    return redirect("casework-case", pk=case.pk)


@login_required
@require_POST
def plan_create_view(request, pk):
    case = _care_case(request, pk)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _care_page(request, case, status=400, plan_form=form)
    try:
        plan = care_services.plan_propose(
            case=case,
            user=request.user,
            destination_type=form.cleaned_data["destination_type"],
            caregiver=form.caregiver_record(),
            caregiver_relationship=form.cleaned_data["caregiver_relationship"],
            rationale=form.cleaned_data["rationale"],
            request=request,
        )
    except ReintegrationRefused as error:
        return _refused(request, case, error, "plan_form", form)
    if plan.status == ReintegrationPlan.Status.AWAITING_APPROVAL:
        messages.warning(request, str(care_services.REASON_MESSAGES[care_services.Reason.FAMILY_RETURN_NEEDS_APPROVAL]))
    else:
        messages.success(request, _("Reintegration plan recorded; it is ready for placement."))
    return redirect("casework-case", pk=case.pk)


def _plan_of(request, plan_id) -> ReintegrationPlan:
    plan = get_object_or_404(ReintegrationPlan.objects.select_related("case"), pk=plan_id)
    case_for(request.user, plan.case_id)  # 404 outside the user's scope
    return plan


@login_required
@require_POST
def plan_decide_view(request, plan_id):
    plan = _plan_of(request, plan_id)
    case = _care_case(request, plan.case_id)
    form = ApprovalForm(request.POST, prefix=_plan_prefix(plan.pk))
    if not form.is_valid():
        return _care_page(request, case, status=400, approval_form=form, plan_id=plan.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        care_services.plan_decide(
            plan=plan,
            approver=request.user,
            assessment=form.cleaned_data["assessment"],
            approve=approve,
            request=request,
        )
    except ReintegrationRefused as error:
        return _refused(request, case, error, "approval_form", form, plan.pk)
    messages.success(
        request,
        _("Safety assessment approved: the plan is ready for placement.")
        if approve
        else _("Safety assessment refused: the plan will not be carried out."),
    )
    return redirect("casework-case", pk=case.pk)


@login_required
@require_POST
def plan_place_view(request, plan_id):
    plan = _plan_of(request, plan_id)
    case = _care_case(request, plan.case_id)
    form = PlacementForm(request.POST, prefix=_plan_prefix(plan.pk))
    if not form.is_valid():
        return _care_page(request, case, status=400, placement_form=form, plan_id=plan.pk)
    try:
        care_services.care_arrangement_start(
            case=case,
            user=request.user,
            arrangement_type=plan.destination_type,
            started_on=form.cleaned_data["started_on"],
            plan=plan,
            request=request,
        )
    except ReintegrationRefused as error:
        return _refused(request, case, error, "placement_form", form, plan.pk)
    messages.success(request, _("Placement started; follow-up visits are scheduled."))
    return redirect("casework-case", pk=case.pk)


@login_required
@require_POST
def arrangement_create_view(request, pk):
    case = _care_case(request, pk)
    form = ArrangementForm(request.POST, prefix="arrangement")
    if not form.is_valid():
        return _care_page(request, case, status=400, arrangement_form=form)
    try:
        care_services.care_arrangement_start(case=case, user=request.user, request=request, **form.cleaned_data)
    except ReintegrationRefused as error:
        return _refused(request, case, error, "arrangement_form", form)
    messages.success(request, _("Placement started; follow-up visits are scheduled."))
    return redirect("casework-case", pk=case.pk)


@login_required
def visit_record_view(request, visit_id):
    visit = get_object_or_404(FollowUpVisit.objects.select_related("case", "arrangement"), pk=visit_id)
    case = _care_case(request, visit.case_id)
    form = VisitForm(request.POST or None, initial={"outcome": visit.outcome, "notes": visit.notes})
    if request.method == "POST" and form.is_valid():
        care_services.follow_up_record(visit=visit, user=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Follow-up visit recorded."))
        return redirect("casework-case", pk=case.pk)
    return render(
        request,
        "casework/visit_form.html",
        {"case": case, "visit": visit, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def referral_create_view(request, pk):
    case = _care_case(request, pk)
    form = ReferralForm(request.POST)
    if not form.is_valid():
        return _care_page(request, case, status=400, referral_form=form)
    care_services.referral_create(case=case, user=request.user, request=request, **form.cleaned_data)
    messages.success(request, _("Family referred to the programme."))
    return redirect("casework-case", pk=case.pk)


@login_required
@require_POST
def referral_status_view(request, referral_id):
    referral = get_object_or_404(Referral, pk=referral_id)
    case = _care_case(request, referral.case_id)
    form = ReferralStatusForm(request.POST)
    if form.is_valid():
        care_services.referral_set_status(referral=referral, user=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Referral updated."))
    else:
        messages.error(request, _("Choose one of the listed statuses."))
    return redirect("casework-case", pk=case.pk)


@login_required
def home_view(request):
    """The case worker's home: overdue and upcoming follow-up visits of the cases in their scope."""
    require(request.user, Capability.CARE)
    cases = cases_visible_to(request.user)
    overdue, upcoming = visits_for(cases, timezone.localdate())
    return render(request, "casework/home.html", {"overdue": overdue, "upcoming": upcoming})


@login_required
def queue_view(request):
    """The supervisor's queue: the plans waiting for a safety decision they may take, oldest first."""
    require(request.user, Capability.APPROVE)
    plans = plans_awaiting_decision(request.user)
    today = timezone.localdate()
    for plan in plans:
        plan.days_waiting = (today - timezone.localdate(plan.proposed_at)).days
    return render(request, "casework/queue.html", {"plans": plans})


@login_required
def caseload_view(request):
    """The user's own cases as they stand: the child's name and age (for roles that may see identities, each
    view audited), placement, next follow-up visit and its state, latest reintegration plan."""
    require(request.user, Capability.CARE)
    today = timezone.localdate()
    page = Paginator(caseload(request.user), CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    identities = identities_for(request.user, cases, request)
    rows = []
    for entry in caseload_entries(cases, today):
        identity = identities.get(entry.case.pk)
        born = identity.birth_date if identity is not None else None
        rows.append(
            {
                "entry": entry,
                "name": identity.full_name if identity is not None else "",
                "age": age_on(born, today) if born else None,
                "visit_state": VISIT_STATE_LABELS.get(entry.next_visit_state, ""),
            }
        )
    return render(request, "casework/caseload.html", {"page": page, "rows": rows})


@login_required
def statistics_view(request):
    """Re-trafficking rates by placement type and by family-facilitated status."""
    require(request.user, Capability.CASEWORK_STATISTICS)
    # Figures over the user's own scope: exact for roles that may see those cases' identities.
    protection = engine.protection(statistics_suppressed_for(request.user, within_scope=True))
    rates = retrafficking_rates(cases_in_scope(request.user), protection=protection)
    labels = {
        "by_placement_type": dict(codelists.CARE_ARRANGEMENT_TYPE.choices),
        "by_family_facilitated": {True: _("Family-facilitated"), False: _("Not family-facilitated")},
    }
    tables = {
        name: [{"label": labels[name].get(row["key"], row["key"]), **row} for row in rows]
        for name, rows in rates.items()
    }
    return render(
        request, "casework/statistics.html", {"tables": tables, "protection_note": protection_note(protection)}
    )
