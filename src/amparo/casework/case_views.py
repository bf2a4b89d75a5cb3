"""Pages to register and edit a case (thin: forms build a record, services store it)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from amparo.accounts.access import may, require
from amparo.accounts.roles import Capability
from amparo.audit.services import changed_values
from amparo.casework.domain.changes import flatten_record
from amparo.casework.forms import (
    CaseForm,
    EventFormSet,
    PerpetratorFormSet,
    add_problems,
    case_initial,
    case_record_from,
)
from amparo.casework.models import CaseEditConflict
from amparo.casework.selectors import case_record_of
from amparo.casework.services import EditConflict, case_create, case_update
from amparo.core import geography
from amparo.registry.access import case_for, identity_for
from amparo.registry.services import InvalidCase


def case_page_url(case) -> str:
    """The case's detail page, or its edit page while the detail page is not installed."""
    try:
        return reverse("case-detail", args=[case.pk])
    except NoReverseMatch:
        return reverse("case-edit", args=[case.pk])


def _forms(data, show_identities: bool, initial=None):
    main_initial, perpetrators_initial, events_initial = initial or ({}, [], [])
    form = CaseForm(data, initial=main_initial, show_identities=show_identities)
    perpetrators = PerpetratorFormSet(
        data, initial=perpetrators_initial, prefix="perpetrators", form_kwargs={"show_identities": show_identities}
    )
    events = EventFormSet(data, initial=events_initial, prefix="events")
    return form, perpetrators, events


def _render(request, form, perpetrators, events, *, case=None, conflict=None, status=200, adding_row=False):
    kept = case.edit_conflicts.select_related("user") if case is not None else []
    return render(
        request,
        "casework/case_form.html",
        {
            "form": form,
            "perpetrators": perpetrators,
            "events": events,
            "case": case,
            "conflict": conflict,
            "kept_conflicts": kept,
            "adding_row": adding_row,
        },
        status=status,
    )


ROW_PREFIXES = ("perpetrators", "events")


def _with_another_row(data, prefix: str):
    """The posted form with one more blank row of a formset: a case may have more perpetrators or events
    than the blank rows offered, and the form must work without JavaScript."""
    data = data.copy()
    total = f"{prefix}-TOTAL_FORMS"
    data[total] = str(int(data.get(total) or 0) + 1)
    return data


def _adding_row(request) -> str | None:
    prefix = request.POST.get("add_row")
    return prefix if prefix in ROW_PREFIXES else None


@login_required
def case_create_view(request):
    require(request.user, Capability.REGISTER)
    show_identities = may(request.user, Capability.IDENTITIES)
    if prefix := _adding_row(request):
        form, perpetrators, events = _forms(_with_another_row(request.POST, prefix), show_identities)
        return _render(request, form, perpetrators, events, adding_row=True)
    form, perpetrators, events = _forms(request.POST or None, show_identities)
    if request.method == "POST" and form.is_valid() and perpetrators.is_valid() and events.is_valid():
        try:
            case = case_create(record=case_record_from(form, perpetrators, events), user=request.user, request=request)
        except InvalidCase as error:
            add_problems(form, error.problems)
        else:
            messages.success(request, _("Case %(id)s registered.") % {"id": case.source_record_id})
            return redirect(case_page_url(case))
    return _render(request, form, perpetrators, events, status=400 if request.method == "POST" else 200)


@login_required
def case_edit_view(request, pk):
    case = case_for(request.user, pk)
    require(request.user, Capability.REGISTER)
    show_identities = may(request.user, Capability.IDENTITIES)
    if show_identities and request.method == "GET":
        identity_for(request.user, case, request)  # audits that the form shows the victim's identity
    current = case_record_of(case, with_identities=show_identities)
    if prefix := _adding_row(request):
        form, perpetrators, events = _forms(
            _with_another_row(request.POST, prefix), show_identities, case_initial(current, case.version)
        )
        return _render(request, form, perpetrators, events, case=case, adding_row=True)
    form, perpetrators, events = _forms(request.POST or None, show_identities, case_initial(current, case.version))
    if request.method == "POST" and form.is_valid() and perpetrators.is_valid() and events.is_valid():
        record = case_record_from(form, perpetrators, events)
        expected = form.cleaned_data["version"] or 0
        try:
            case_update(case=case, record=record, expected_version=expected, user=request.user, request=request)
        except InvalidCase as error:
            add_problems(form, error.problems)
        except EditConflict as error:
            data = request.POST.copy()
            data["version"] = error.conflict.current_version
            form, perpetrators, events = _forms(data, show_identities)
            for bound in (form, perpetrators, events):
                bound.is_valid()
            differences = changed_values(flatten_record(current), flatten_record(record))
            return _render(
                request,
                form,
                perpetrators,
                events,
                case=case,
                status=409,
                conflict={"message": str(error), "id": error.conflict.pk, "differences": differences},
            )
        else:
            messages.success(request, _("Case saved."))
            return redirect(case_page_url(case))
    return _render(request, form, perpetrators, events, case=case, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def conflict_view(request, pk, conflict_id):
    """A refused edit beside the current case, so what was typed can be re-entered (identities stay sealed)."""
    case = case_for(request.user, pk)
    require(request.user, Capability.REGISTER)
    conflict = get_object_or_404(CaseEditConflict.objects.select_related("user"), pk=conflict_id, case=case)
    current = case_record_of(case, with_identities=True)  # compared only; identifying values are shown sealed
    differences = changed_values(flatten_record(current), flatten_record(json.loads(conflict.submitted)))
    return render(request, "casework/conflict.html", {"case": case, "conflict": conflict, "differences": differences})


@login_required
@require_GET
def ubigeo_options_view(request):
    """<option> elements for the next level of the ubigeo picker (htmx fragment)."""
    code = next((value for key, value in request.GET.items() if key.endswith(("department", "province"))), "")
    places = []
    if code.isdigit() and len(code) == 2:
        places = geography.provinces(code)
    elif code.isdigit() and len(code) == 4:
        places = geography.districts(code)
    return HttpResponse(render_to_string("casework/_ubigeo_options.html", {"places": places}, request=request))
