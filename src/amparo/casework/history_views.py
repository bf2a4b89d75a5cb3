"""A case's history (its timeline, notes and closure) and its printable summary: thin views over
casework.services, casework.timeline and the selectors."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.accounts.access import require
from amparo.accounts.roles import Capability
from amparo.casework.forms import AttachmentForm, ClosureForm, NoteForm
from amparo.casework.selectors import care_plans, case_visits
from amparo.casework.services import CaseworkRefused, attachment_add, attachment_open, case_close, case_note_add
from amparo.casework.timeline import case_timeline
from amparo.core import codelists
from amparo.core.age_bands import age_on
from amparo.core.countries import country_name
from amparo.core.geography import place_name
from amparo.registry.access import case_for, identity_for
from amparo.registry.models import CODELIST_OF_FIELD, CaseCode


def _care_case(request, pk):
    case = case_for(request.user, pk)
    require(request.user, Capability.CARE)
    return case


def _history_page(request, case, status=200, note_form=None, closure_form=None, attachment_form=None):
    closed = case.status in codelists.CLOSED_STATUSES
    context = {
        "case": case,
        "timeline": case_timeline(case),
        "closed": closed,
        "closure": case.closures.select_related("closed_by").first(),
        "note_form": note_form or NoteForm(),
        "closure_form": None if closed else closure_form or ClosureForm(prefix="closure"),
        "attachments": case.attachments.defer("content").select_related("uploaded_by"),
        "attachment_form": attachment_form or AttachmentForm(prefix="attachment"),
    }
    return render(request, "casework/history.html", context, status=status)


@login_required
def history_view(request, pk):
    """Everything that happened to the case, newest first, with a note to add and the case to close."""
    return _history_page(request, _care_case(request, pk))


@login_required
@require_POST
def note_create_view(request, pk):
    case = _care_case(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _history_page(request, case, status=400, note_form=form)
    try:
        case_note_add(case=case, user=request.user, text=form.cleaned_data["text"], request=request)
    except CaseworkRefused as refusal:
        form.add_error("text", str(refusal))
        return _history_page(request, case, status=400, note_form=form)
    messages.success(request, _("Note added."))
    return redirect("casework-history", pk=case.pk)


@login_required
@require_POST
def case_close_view(request, pk):
    case = _care_case(request, pk)
    form = ClosureForm(request.POST, prefix="closure")
    if not form.is_valid():
        return _history_page(request, case, status=400, closure_form=form)
    try:
        case_close(case=case, user=request.user, today=timezone.localdate(), request=request, **form.cleaned_data)
    except CaseworkRefused as refusal:
        form.add_error(None, str(refusal))  # shown beside the form that caused it
        return _history_page(request, case, status=409, closure_form=form)
    messages.success(request, _("Case closed."))
    return redirect("casework-history", pk=case.pk)


@login_required
@require_POST
def attachment_create_view(request, pk):
    case = _care_case(request, pk)
    form = AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if not form.is_valid():
        return _history_page(request, case, status=400, attachment_form=form)
    document = form.cleaned_data["document"]
    try:
        attachment_add(
            case=case,
            user=request.user,
            kind=form.cleaned_data["kind"],
            name=document.name,
            content=document.read(),
            request=request,
        )
    except CaseworkRefused as refusal:
        form.add_error("document", str(refusal))
        return _history_page(request, case, status=400, attachment_form=form)
    messages.success(request, _("Document added."))
    return redirect("casework-history", pk=case.pk)


@login_required
def attachment_download_view(request, attachment_id):
    """The document as it was added, to save (never shown inline, whatever its type), audited."""
    attachment, content = attachment_open(user=request.user, attachment_id=attachment_id, request=request)
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.file_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def summary_view(request, pk):
    """The case on paper: what it is, who the child is (for roles that may see it; audited), where the child
    lives, the plans, visits, referrals and notes, and its history. Printed from the browser (print styles)."""
    case = _care_case(request, pk)
    today = timezone.localdate()
    identity = identity_for(request.user, case, request)
    codes: dict[str, list[str]] = {}
    for field_name, code in case.coded_values.values_list("field", "code"):
        codelist = CODELIST_OF_FIELD[field_name]
        codes.setdefault(field_name, []).append(codelist.label(code) if code in codelist else code)
    context = {
        "case": case,
        "today": today,
        "identity": identity,
        "age": age_on(identity.birth_date, today) if identity is not None and identity.birth_date else None,
        "citizenship": country_name(case.victim.citizenship),
        "place": place_name(case.district_code or case.province_code or case.department_code),
        "exploitation": codes.get(CaseCode.Field.EXPLOITATION, []),
        "perpetrators": case.perpetrators.order_by("id"),
        "arrangements": case.care_arrangements.order_by("-started_on", "-id"),
        "assessments": case.family_assessments.all(),
        "plans": care_plans(case, request.user),
        "visits": case_visits(case, today),
        "referrals": case.referrals.all(),
        "closure": case.closures.select_related("closed_by").first(),
        "timeline": case_timeline(case),
    }
    return render(request, "casework/summary.html", context)
