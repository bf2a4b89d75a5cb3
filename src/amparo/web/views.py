"""The web shell's case pages. Thin: parse the request, call a selector, render."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from amparo.accounts.access import may, require
from amparo.accounts.roles import Capability, Scope
from amparo.core import codelists
from amparo.core.countries import country_name
from amparo.core.geography import place_name
from amparo.linkage.selectors import other_reports
from amparo.registry.access import case_for, identities_for, identity_for
from amparo.registry.case_filter import CaseFilter
from amparo.registry.models import CaseCode
from amparo.registry.selectors import case_detail, case_list
from amparo.web.forms import CaseListForm
from amparo.web.presentation import code_labels, relationship_label

PAGE_SIZE = 25


@login_required
def case_list_view(request):
    require(request.user, Capability.CASES)
    form = CaseListForm(request.GET or None, by_identity_number=may(request.user, Capability.IDENTITIES))
    valid = form.is_valid()
    cases = case_list(
        user=request.user,
        filters=form.case_filter() if valid else CaseFilter(),
        search=form.cleaned_data["q"] if valid else "",
        status=form.cleaned_data["status"] if valid else "",
        request=request,
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    without_place = query.copy()
    for narrower in ("province", "district"):
        without_place.pop(narrower, None)
    # Names are shown for a search, to tell the children found apart, never for a browsed list of cases.
    searched = valid and bool(form.cleaned_data["q"].strip())
    names = identities_for(request.user, list(page.object_list), request) if searched else {}
    rows = [
        {
            "case": case,
            "place": place_name(case.district_code or case.province_code or case.department_code),
            "name": names[case.pk].full_name if case.pk in names else "",
        }
        for case in page.object_list
    ]
    return render(
        request,
        "web/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "show_names": bool(names),
            "query": query.urlencode(),
            "may_register": may(request.user, Capability.REGISTER),
            "place": place_name(form.place()) if valid and len(form.place()) > 2 else "",
            "without_place": without_place.urlencode(),
            "narrow_scope": Scope(request.user.effective_scope).label
            if request.user.effective_scope != Scope.ALL
            else "",
        },
    )


@login_required
def case_detail_view(request, pk: int):
    case = case_for(request.user, pk)
    details = case_detail(case=case)
    codes = details["codes"]
    return render(
        request,
        "web/case_detail.html",
        {
            "case": case,
            "may_edit": may(request.user, Capability.REGISTER),
            "may_care": may(request.user, Capability.CARE),
            "identity": identity_for(request.user, case, request),
            "other_reports": other_reports(request.user, case),
            "place": place_name(case.district_code or case.province_code or case.department_code),
            "citizenship": country_name(case.victim.citizenship),
            "exploitation": code_labels(CaseCode.Field.EXPLOITATION, codes.get(CaseCode.Field.EXPLOITATION, [])),
            "sex_exploitation": code_labels(
                CaseCode.Field.SEX_EXPLOITATION, codes.get(CaseCode.Field.SEX_EXPLOITATION, [])
            ),
            "control": code_labels(CaseCode.Field.CONTROL, codes.get(CaseCode.Field.CONTROL, [])),
            "recruitment": code_labels(CaseCode.Field.RECRUITMENT, codes.get(CaseCode.Field.RECRUITMENT, [])),
            "perpetrators": [
                {
                    "relationship": relationship_label(p.relationship),
                    "is_relative": p.is_relative,
                    "household": p.lives_in_household,
                    "roles": [codelists.ROLE_IN_PROCESS.label(r) for r in p.roles if r in codelists.ROLE_IN_PROCESS],
                }
                for p in details["perpetrators"]
            ],
            "events": [
                {
                    "type": e.get_event_type_display(),
                    "place": place_name(e.ubigeo) if e.ubigeo else country_name(e.country),
                    "date": e.date,
                    "description": e.description,
                }
                for e in details["events"]
            ],
        },
    )
