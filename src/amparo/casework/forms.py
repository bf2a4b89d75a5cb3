"""Forms for registering and editing cases and for a child's care; they build plain records and
leave every rule to the services (validation problems come back mapped onto the fields)."""

from datetime import date

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.core import codelists, geography
from amparo.registry.records import (
    CASE_SCALARS,
    CODE_LISTS,
    CaseRecord,
    EventRecord,
    FieldProblem,
    PerpetratorRecord,
    PersonRecord,
    validate_case,
)

BLANK = [("", "—")]
CHOICES = forms.CheckboxSelectMultiple(attrs={"class": "choices"})
IDENTIFYING_FIELDS = ("first_name", "second_name", "birthdate", "identity_number")
INVALID_VALUE = _("This value is not accepted: expected %(expected)s.")

# validate_case's field names -> this form's field names.
PROBLEM_FIELDS = {
    "source_record_id": "source_record_id",
    "registration_date": "registration_date",
    "prs_Gender": "gender",
    "prs_Citizenship": "citizenship",
    "prs_Birthdate": "birthdate",
    "cas_Status": "status",
    "vic_TraffickingStatus": "trafficking_status",
    "vic_TraffickingStatusDecisionMakingOrg": "trafficking_status_decision_org",
    "vic_ForcedLabourIndustry": "forced_labour_industry",
    "organised_network": "organised_network",
    "legal_article": "legal_article",
    "vic_AgeWhenTrafficked": "age_when_trafficked",
    "vic_TypeOfExploitation": "exploitation_types",
    "vic_MethodsOfControl": "control_methods",
    "vic_MethodOfRecruitment": "recruitment_methods",
    "vic_TypeOfSexExploitation": "sex_exploitation_types",
    "recruiter_relationship": "relationship",
    "per_RoleInProcess": "roles",
    "hte_Type": "event_type",
    "ubigeo": "district",
    "hte_Country": "country",
}


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_problems(form: forms.Form, problems: list[FieldProblem]) -> None:
    """Show each validation problem next to its field (or at the top of the form when it has none)."""
    for problem in problems:
        name = PROBLEM_FIELDS.get(problem.field, problem.field)
        form.add_error(name if name in form.fields else None, INVALID_VALUE % {"expected": problem.expected})


class IdentityFieldsMixin:
    """Drops identifying fields for roles that may not see them."""

    def drop_identifying(self, show_identities: bool):
        if not show_identities:
            for name in IDENTIFYING_FIELDS:
                self.fields.pop(name, None)


class CaseForm(IdentityFieldsMixin, forms.Form):
    source_record_id = forms.CharField(label=_("Source record id"), max_length=100)
    registration_date = forms.DateField(label=_("Registration date"), widget=date_input())
    status = forms.ChoiceField(label=_("Case status"), choices=codelists.CASE_STATUS.choices, initial="Active")
    trafficking_status = forms.ChoiceField(
        label=_("Trafficking status"),
        choices=codelists.TRAFFICKING_STATUS.choices,
        initial="PossibleVictimOfTrafficking",
    )
    trafficking_status_decision_org = forms.ChoiceField(
        label=_("Trafficking status decided by"),
        required=False,
        choices=BLANK + codelists.TRAFFICKING_STATUS_DECISION_ORG.choices,
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Types of exploitation"), required=False, choices=codelists.EXPLOITATION_TYPE.choices, widget=CHOICES
    )
    sex_exploitation_types = forms.MultipleChoiceField(
        label=_("Types of sexual exploitation"),
        required=False,
        choices=codelists.SEX_EXPLOITATION_TYPE.choices,
        widget=CHOICES,
    )
    forced_labour_industry = forms.ChoiceField(
        label=_("Forced labour industry"), required=False, choices=BLANK + codelists.FORCED_LABOUR_INDUSTRY.choices
    )
    control_methods = forms.MultipleChoiceField(
        label=_("Methods of control"), required=False, choices=codelists.METHODS_OF_CONTROL.choices, widget=CHOICES
    )
    recruitment_methods = forms.MultipleChoiceField(
        label=_("Methods of recruitment"), required=False, choices=codelists.RECRUITMENT_METHOD.choices, widget=CHOICES
    )
    organised_network = forms.ChoiceField(
        label=_("Organised network involved"), choices=codelists.ORGANISED_NETWORK.choices, initial="unknown"
    )
    legal_article = forms.ChoiceField(
        label=_("Legal article"), required=False, choices=BLANK + codelists.LEGAL_ARTICLE.choices
    )
    gender = forms.ChoiceField(label=_("Victim's gender"), required=False, choices=BLANK + codelists.GENDER.choices)
    age_when_trafficked = forms.IntegerField(label=_("Age when trafficked"), required=False, min_value=0, max_value=120)
    citizenship = forms.CharField(label=_("Citizenship (ISO country code, e.g. PE)"), required=False, max_length=2)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=200)
    second_name = forms.CharField(label=_("Surnames"), required=False, max_length=200)
    birthdate = forms.DateField(label=_("Birth date"), required=False, widget=date_input())
    identity_number = forms.CharField(label=_("Identity number (DNI)"), required=False, max_length=30)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, show_identities: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.drop_identifying(show_identities)

    SECTIONS = (
        (
            _("Case"),
            (
                "source_record_id",
                "registration_date",
                "status",
                "trafficking_status",
                "trafficking_status_decision_org",
                "organised_network",
                "legal_article",
            ),
        ),
        (_("Victim"), ("gender", "age_when_trafficked", "citizenship", *IDENTIFYING_FIELDS)),
        (
            _("Exploitation"),
            (
                "exploitation_types",
                "sex_exploitation_types",
                "forced_labour_industry",
                "control_methods",
                "recruitment_methods",
            ),
        ),
    )

    def sections(self):
        """(title, bound fields) in display order, leaving out the fields this user may not see."""
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in self.SECTIONS]

    def clean_citizenship(self):
        return self.cleaned_data["citizenship"].strip().upper()


class PerpetratorForm(IdentityFieldsMixin, forms.Form):
    relationship = forms.ChoiceField(
        label=_("Relationship to the victim"), choices=BLANK + codelists.RECRUITER_RELATIONSHIP.choices
    )
    lives_in_household = forms.BooleanField(label=_("Lives in the victim's household"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Role in the process"), required=False, choices=codelists.ROLE_IN_PROCESS.choices, widget=CHOICES
    )
    first_name = forms.CharField(label=_("First name"), required=False, max_length=200)
    second_name = forms.CharField(label=_("Surnames"), required=False, max_length=200)
    identity_number = forms.CharField(label=_("Identity number (DNI)"), required=False, max_length=30)

    def __init__(self, *args, show_identities: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.drop_identifying(show_identities)

    def to_record(self) -> PerpetratorRecord:
        data = self.cleaned_data
        person = PersonRecord(
            first_name=data.get("first_name", "").strip(),
            second_name=data.get("second_name", "").strip(),
            identity_number=data.get("identity_number", "").strip(),
        )
        has_person = any((person.first_name, person.second_name, person.identity_number))
        return PerpetratorRecord(
            relationship=data["relationship"],
            lives_in_household=data["lives_in_household"],
            roles=list(data["roles"]),
            person=person if has_person else None,
        )


def _place_choices(places) -> list[tuple[str, str]]:
    return BLANK + [(p.ubigeo, p.name) for p in places]


class EventForm(forms.Form):
    event_type = forms.ChoiceField(label=_("Event"), choices=BLANK + codelists.EVENT_TYPE.choices)
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2, initial="PE")
    department = forms.ChoiceField(label=_("Department"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=date_input())
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        department = self._value("department")
        province = self._value("province")
        self.fields["department"].choices = _place_choices(geography.departments())
        self.fields["province"].choices = _place_choices(geography.provinces(department) if department else [])
        self.fields["district"].choices = _place_choices(geography.districts(province) if province else [])
        for name, child in (("department", "province"), ("province", "district")):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("casework-ubigeo-options"),
                    "hx-target": f"#id_{self.add_prefix(child)}",
                    "hx-swap": "innerHTML",
                }
            )

    def _value(self, name: str) -> str:
        value = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        return value or ""

    def clean(self):
        data = super().clean()
        data["country"] = (data.get("country") or "").strip().upper()
        department, province, district = data.get("department"), data.get("province"), data.get("district")
        if province and not province.startswith(department or "-"):
            self.add_error("province", _("This province is not in the department chosen."))
        if district and not district.startswith(province or "-"):
            self.add_error("district", _("This district is not in the province chosen."))
        if (department or province or district) and data["country"] != "PE":
            self.add_error("country", _("A place in Peru (department, province, district) needs the country PE."))
        if data.get("event_type") and not self.errors:
            add_problems(
                self,
                validate_case(
                    CaseRecord("-", timezone.localdate(), events=[self.to_record()]), today=timezone.localdate()
                ),
            )
        return data

    def to_record(self) -> EventRecord:
        data = self.cleaned_data
        ubigeo = data.get("district") or data.get("province") or data.get("department") or ""
        return EventRecord(
            event_type=data["event_type"],
            ubigeo=ubigeo,
            country=data["country"],
            date=data.get("date"),
            description=data.get("description", "").strip(),
        )


PerpetratorFormSet = forms.formset_factory(PerpetratorForm, extra=2, can_delete=True)
EventFormSet = forms.formset_factory(EventForm, extra=3, can_delete=True)


def _kept(formset) -> list:
    """The stored and the newly filled-in forms of a valid formset, without those marked for deletion."""
    return [
        f
        for i, f in enumerate(formset.forms)
        if (i < formset.initial_form_count() or f.has_changed()) and not f.cleaned_data.get("DELETE")
    ]


def case_record_from(form: CaseForm, perpetrators, events) -> CaseRecord:
    data = form.cleaned_data
    return CaseRecord(
        **{name: data[name] for name in CASE_SCALARS},
        **{attribute: list(data[attribute]) for _field, attribute, _codelist in CODE_LISTS},
        victim=PersonRecord(
            gender=data["gender"],
            citizenship=data["citizenship"],
            first_name=data.get("first_name", "").strip(),
            second_name=data.get("second_name", "").strip(),
            birthdate=data.get("birthdate"),
            identity_number=data.get("identity_number", "").strip(),
        ),
        perpetrators=[f.to_record() for f in _kept(perpetrators)],
        events=[f.to_record() for f in _kept(events)],
    )


def case_initial(record: CaseRecord, version: int) -> tuple[dict, list[dict], list[dict]]:
    """Initial data of the three forms from a stored case."""
    victim = record.victim
    main = {
        **{name: getattr(record, name) for name in CASE_SCALARS},
        **{attribute: getattr(record, attribute) for _field, attribute, _codelist in CODE_LISTS},
        "gender": victim.gender,
        "citizenship": victim.citizenship,
        "first_name": victim.first_name,
        "second_name": victim.second_name,
        "birthdate": victim.birthdate,
        "identity_number": victim.identity_number,
        "version": version,
    }
    perpetrators = [
        {
            "relationship": p.relationship,
            "lives_in_household": p.lives_in_household,
            "roles": p.roles,
            **(
                {
                    "first_name": p.person.first_name,
                    "second_name": p.person.second_name,
                    "identity_number": p.person.identity_number,
                }
                if p.person
                else {}
            ),
        }
        for p in record.perpetrators
    ]
    events = []
    for e in record.events:
        code = e.ubigeo or ""
        events.append(
            {
                "event_type": e.event_type,
                "country": e.country,
                "date": e.date,
                "department": code[:2],
                "province": code[:4] if len(code) >= 4 else "",
                "district": code if len(code) == 6 else "",
                "description": e.description,
            }
        )
    return main, perpetrators, events


class PlanForm(forms.Form):
    destination_type = forms.ChoiceField(
        label=_("Where the child will live"), choices=BLANK + codelists.CARE_ARRANGEMENT_TYPE.choices
    )
    caregiver_first_name = forms.CharField(label=_("Caregiver's first name"), required=False, max_length=200)
    caregiver_second_name = forms.CharField(label=_("Caregiver's surnames"), required=False, max_length=200)
    caregiver_identity_number = forms.CharField(
        label=_("Caregiver's identity number (DNI)"), required=False, max_length=30
    )
    caregiver_relationship = forms.ChoiceField(
        label=_("Caregiver's relationship to the child"),
        required=False,
        choices=BLANK + codelists.RECRUITER_RELATIONSHIP.choices,
    )
    rationale = forms.CharField(label=_("Rationale"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def caregiver_record(self) -> PersonRecord | None:
        data = self.cleaned_data
        record = PersonRecord(
            first_name=data["caregiver_first_name"].strip(),
            second_name=data["caregiver_second_name"].strip(),
            identity_number=data["caregiver_identity_number"].strip(),
        )
        return record if any((record.first_name, record.second_name, record.identity_number)) else None


class ApprovalForm(forms.Form):
    assessment = forms.CharField(
        label=_("Safety assessment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was checked, by whom, and why the child will be safe."),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.RadioSelect
    )


class PlacementForm(forms.Form):
    started_on = forms.DateField(label=_("Placement starts on"), widget=date_input(), initial=date.today)


class ArrangementForm(PlacementForm):
    arrangement_type = forms.ChoiceField(
        label=_("Care arrangement"), choices=BLANK + codelists.CARE_ARRANGEMENT_TYPE.choices
    )
    field_order = ["arrangement_type", "started_on"]


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=date_input(), initial=date.today)
    risk = forms.ChoiceField(label=_("Risk"), choices=BLANK + codelists.FAMILY_ASSESSMENT_RISK.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=date_input(), initial=date.today)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=BLANK + codelists.FOLLOW_UP_OUTCOME.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReferralForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), choices=BLANK + codelists.REFERRAL_PROGRAMME.choices)
    referred_on = forms.DateField(label=_("Referred on"), widget=date_input(), initial=date.today)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=codelists.REFERRAL_STATUS.choices)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))


class ClosureForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=date_input(), initial=date.today)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=BLANK + codelists.CASE_CLOSURE_OUTCOME.choices)
    summary = forms.CharField(
        label=_("Closing summary"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=BLANK + codelists.ATTACHMENT_KIND.choices)
    document = forms.FileField(label=_("Document (PDF, PNG or JPEG, up to 5 MB)"))
