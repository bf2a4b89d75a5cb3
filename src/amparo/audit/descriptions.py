"""The audit log as people read it: each event's object named as they know it (a case by its code, an account
by its user name, an import by its number and file), linked to its page, and its details as sentences.

The log stores objects by model label and id, so that it needs no other app: their names are read here, for
the events of one page at a time, through Django's app registry. What the log stores never changes; only its
reading does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from amparo.accounts.roles import Role, Scope
from amparo.audit.models import AuditEvent
from amparo.audit.services import SEALED
from amparo.core import codelists

CASE = "registry.Case"
# Objects that belong to a case are named with its code and linked to the page that shows them.
CASE_PAGES = {"casework": "casework-case"}
OBJECT_PAGES = {
    CASE: "case-detail",
    "accounts.User": "account-edit",
    "exchange.ImportBatch": "exchange:batch",
    "release.Release": "release-detail",
}

# Detail keys as people say them; a key not listed is read from its own spelling.
DETAIL_LABELS = {
    "action": gettext_lazy("What was tried"),
    "approved": pgettext_lazy("safety decision", "Approved"),
    "approval": gettext_lazy("Safety approval"),
    "arrangement_type": gettext_lazy("Care arrangement"),
    "case": gettext_lazy("Case"),
    "cases": gettext_lazy("Cases"),
    "caregiver_relationship": gettext_lazy("Caregiver's relationship to the child"),
    "country": gettext_lazy("Country"),
    "created": pgettext_lazy("import", "Created"),
    "destination": gettext_lazy("Where the child would live"),
    "family_facilitated": gettext_lazy("Family-facilitated"),
    "file": gettext_lazy("File"),
    "format": gettext_lazy("Format"),
    "identities": gettext_lazy("With identifying data"),
    "kind": gettext_lazy("File type"),
    "language": gettext_lazy("Language"),
    "locked_out": gettext_lazy("Locked out"),
    "matches": gettext_lazy("Matches"),
    "org_type": gettext_lazy("Type"),
    "person": gettext_lazy("Whose identity"),
    "plan": gettext_lazy("Reintegration plan"),
    "programme": gettext_lazy("Programme"),
    "reason": gettext_lazy("Reason"),
    "rejected": gettext_lazy("Rejected"),
    "rejected_rows": gettext_lazy("Rejected rows"),
    "repeated": gettext_lazy("The same file again, changing nothing"),
    "reset": gettext_lazy("What was reset"),
    "risk": gettext_lazy("Risk"),
    "second_factor": gettext_lazy("Second factor set up"),
    "password_set": gettext_lazy("Password set"),
    "status": gettext_lazy("Status"),
    "unchanged": gettext_lazy("Unchanged"),
    "updated": pgettext_lazy("import", "Updated"),
    "version": gettext_lazy("Version"),
    "year": gettext_lazy("Year"),
}
# Detail keys whose values are codes of a list: shown by their label.
DETAIL_CODES = {
    "arrangement_type": dict(codelists.CARE_ARRANGEMENT_TYPE.choices),
    "destination": dict(codelists.CARE_ARRANGEMENT_TYPE.choices),
    "caregiver_relationship": dict(codelists.RECRUITER_RELATIONSHIP.choices),
    "programme": dict(codelists.REFERRAL_PROGRAMME.choices),
    "risk": dict(codelists.FAMILY_ASSESSMENT_RISK.choices),
    "org_type": dict(codelists.ORGANISATION_TYPE.choices),
    "role": dict(Role.choices),
    "scope": dict(Scope.choices),
    "person": {"caregiver": gettext_lazy("the caregiver a plan names")},
    "reset": {
        "password": gettext_lazy("the password (a one-time link to set a new one was given)"),
        "second_factor": gettext_lazy("the second factor"),
    },
}


@dataclass(frozen=True)
class Named:
    text: str
    url: str = ""


@dataclass
class DescribedEvent:
    event: AuditEvent
    object: Named | None
    sentences: list[str] = field(default_factory=list)


def _url(name: str, pk) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _kind(model) -> str:
    return capfirst(str(model._meta.verbose_name))


def _name(label: str, model, obj, case_codes: dict[int, str]) -> Named:
    """An object as people know it, with the page that shows it."""
    if label == CASE:
        return Named(_("Case %(code)s") % {"code": obj.source_record_id}, _url(OBJECT_PAGES[CASE], obj.pk))
    if label == "accounts.User":
        return Named(_("Account %(name)s") % {"name": obj.get_username()}, _url(OBJECT_PAGES[label], obj.pk))
    if label == "registry.Organisation":
        return Named(_("Organisation %(name)s") % {"name": obj.name})
    if label == "exchange.ImportBatch":
        text = _("Import batch %(number)s (%(file)s)") % {"number": obj.pk, "file": obj.file_name}
        return Named(text, _url(OBJECT_PAGES[label], obj.pk))
    if label == "release.Release":
        return Named(_("Release of %(year)s") % {"year": obj.year}, _url(OBJECT_PAGES[label], obj.pk))
    if label == "otp_totp.TOTPDevice":
        return Named(_("Second factor of %(name)s") % {"name": obj.user.get_username()})
    case_id = getattr(obj, "case_id", None)
    if case_id is not None and case_id in case_codes:
        text = _("%(kind)s %(number)s · case %(code)s") % {
            "kind": _kind(model),
            "number": obj.pk,
            "code": case_codes[case_id],
        }
        page = CASE_PAGES.get(model._meta.app_label, OBJECT_PAGES[CASE])
        return Named(text, _url(page, case_id))
    return Named(f"{_kind(model)} {obj.pk}", _url(OBJECT_PAGES[label], obj.pk) if label in OBJECT_PAGES else "")


def object_names(events: Iterable[AuditEvent]) -> dict[tuple[str, str], Named]:
    """(object type, object id) -> its name, for every object the events name: one query per kind of object,
    and one for the codes of the cases they belong to."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type:
            wanted[event.object_type].add(event.object_id)
    found: dict[tuple[str, str], tuple] = {}
    case_ids: set[int] = set()
    for label, ids in wanted.items():
        model = _model(label)
        if model is None:
            continue
        keys = [int(i) for i in ids if i.isdigit()]
        related = ["user"] if label == "otp_totp.TOTPDevice" else []
        for pk, obj in model._base_manager.select_related(*related).in_bulk(keys).items():
            found[(label, str(pk))] = (model, obj)
            if label == CASE:
                case_ids.add(obj.pk)
            elif getattr(obj, "case_id", None) is not None:
                case_ids.add(obj.case_id)
    case_codes = dict(apps.get_model(CASE)._base_manager.filter(pk__in=case_ids).values_list("pk", "source_record_id"))
    names = {key: _name(key[0], model, obj, case_codes) for key, (model, obj) in found.items()}
    for label, ids in wanted.items():
        model = _model(label)
        for object_id in ids:
            if (label, object_id) not in names:  # removed since, or of a kind no longer installed
                kind = _kind(model) if model is not None else label
                names[(label, object_id)] = Named(
                    _("%(kind)s %(number)s (no longer exists)")
                    % {
                        "kind": kind,
                        "number": object_id,
                    }
                )
    return names


def _value(value, codes: dict | None = None) -> str:
    if codes is not None and isinstance(value, str) and value in codes:
        return str(codes[value])
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_value(v, codes) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_value(v)}" for key, v in value.items()) or "—"
    return str(value)


def _label(key: str, model) -> str:
    if model is not None:
        try:
            return capfirst(str(model._meta.get_field(key).verbose_name))
        except FieldDoesNotExist:
            pass
    return str(DETAIL_LABELS.get(key) or capfirst(key.replace("_", " ")))


def _codes(key: str, model) -> dict | None:
    if model is not None:
        try:
            choices = model._meta.get_field(key).choices
        except FieldDoesNotExist:
            choices = None
        if choices:
            return dict(choices)
    return DETAIL_CODES.get(key)


def _change_sentence(label: str, old, new, codes: dict | None) -> str:
    if old == SEALED or new == SEALED:
        return _("%(field)s changed (the values are sealed).") % {"field": label}
    if old is None or old == "":
        return _("%(field)s set to %(new)s.") % {"field": label, "new": _value(new, codes)}
    if new is None or new == "":
        return _("%(field)s cleared (it was %(old)s).") % {"field": label, "old": _value(old, codes)}
    return _("%(field)s changed from %(old)s to %(new)s.") % {
        "field": label,
        "old": _value(old, codes),
        "new": _value(new, codes),
    }


def detail_sentences(event: AuditEvent, case_codes: dict[int, str] | None = None) -> list[str]:
    """The event's details as sentences, in the reader's language: a change field by field, the rest one
    sentence a detail. A case named by its id in the details is named by its code."""
    model = _model(event.object_type) if event.object_type else None
    sentences = []
    for key, value in (event.details or {}).items():
        if key == "changed" and isinstance(value, dict):
            for name, change in sorted(value.items()):  # PostgreSQL's jsonb keeps no order of its own
                sentences.append(
                    _change_sentence(_label(name, model), change.get("old"), change.get("new"), _codes(name, model))
                )
            continue
        if key == "case" and case_codes and value in case_codes:
            value = case_codes[value]
        elif key == "reason" and isinstance(value, str):
            value = value.replace("_", " ")
        sentences.append(
            _("%(label)s: %(value)s.") % {"label": _label(key, model), "value": _value(value, _codes(key, model))}
        )
    return sentences


def described(events: Iterable[AuditEvent]) -> list[DescribedEvent]:
    """Events with their object named and their details as sentences, in one pass over a page of them."""
    events = list(events)
    names = object_names(events)
    detail_cases = {e.details.get("case") for e in events if isinstance(e.details, dict)} - {None}
    case_codes = dict(
        apps.get_model(CASE)
        ._base_manager.filter(pk__in=[c for c in detail_cases if isinstance(c, int)])
        .values_list("pk", "source_record_id")
    )
    return [
        DescribedEvent(
            event,
            names.get((event.object_type, event.object_id)) if event.object_type else None,
            detail_sentences(event, case_codes),
        )
        for event in events
    ]
