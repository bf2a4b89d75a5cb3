"""Making and approving releases: the budget is checked, the result frozen, every decision audited."""

import io
import math
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from amparo.accounts.access import may
from amparo.accounts.roles import Capability
from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.release import selectors
from amparo.release.domain import files
from amparo.release.domain.dp_tables import dp_tables
from amparo.release.domain.kanonymity import DEFAULT_MAX_SUPPRESSION
from amparo.release.domain.microdata import k_anonymous_microdata, write_microdata_csv
from amparo.release.domain.synthetic import synthetic_microdata
from amparo.release.models import Release, ReleaseApproval

UNIT = "cases"
DEFAULT_K = 5
DEFAULT_EPSILON_TABLES = 2.0
DEFAULT_EPSILON_SYNTHETIC = 4.0


class ReleaseRefused(ValueError):
    """A release that cannot be made or approved, with the reason in the user's language."""


def _refuse_parameters(year: int, k: int, epsilon_tables: float, epsilon_synthetic: float) -> None:
    if not isinstance(k, int) or k < 2:
        raise ReleaseRefused(_("k must be a whole number of at least 2, not %(k)s.") % {"k": k})
    for name, value in (("--epsilon-tables", epsilon_tables), ("--epsilon-synthetic", epsilon_synthetic)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ReleaseRefused(
                _("%(option)s must be a number greater than 0, not %(value)s.") % {"option": name, "value": value}
            )
    if not 1900 <= year <= 2100:
        raise ReleaseRefused(_("The year must be between 1900 and 2100, not %(year)s.") % {"year": year})


def _refuse_over_budget(year: int, asked: float) -> None:
    spent, limit = selectors.epsilon_spent(year), settings.RELEASE_EPSILON_PER_YEAR
    if spent + asked > limit + 1e-9:
        raise ReleaseRefused(
            _(
                "The releases of %(year)s have spent epsilon %(spent)s of the %(limit)s allowed; this one would "
                "spend %(asked)s more. Ask for less, or raise AMPARO_RELEASE_EPSILON_PER_YEAR knowingly."
            )
            % {"year": year, "spent": f"{spent:g}", "limit": f"{limit:g}", "asked": f"{asked:g}"}
        )


def code_version() -> str:
    """Amparo's version, and its commit when it runs from a git checkout."""
    try:
        version = metadata.version("amparo")
    except metadata.PackageNotFoundError:
        version = "unknown"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{version}+{commit}" if commit else version


def release_create(
    *,
    user,
    year: int,
    k: int = DEFAULT_K,
    epsilon_tables: float = DEFAULT_EPSILON_TABLES,
    epsilon_synthetic: float = DEFAULT_EPSILON_SYNTHETIC,
    request=None,
) -> Release:
    """Protect the cases of `year` three ways (DP tables, k-anonymous microdata, DP synthetic data) and
    store the result as a new release, awaiting approval. Refused when the year's budget would be exceeded."""
    if user is not None and not may(user, Capability.RELEASE):
        raise ReleaseRefused(_("Only data managers and administrators make releases."))
    _refuse_parameters(year, k, epsilon_tables, epsilon_synthetic)
    asked = epsilon_tables + epsilon_synthetic
    _refuse_over_budget(year, asked)
    cases = selectors.release_case_table(year)
    if cases.height == 0:
        raise ReleaseRefused(_("No cases are registered in %(year)s: there is nothing to release.") % {"year": year})
    if k > cases.height:
        raise ReleaseRefused(
            _("k = %(k)s is larger than the %(cases)s cases of %(year)s.")
            % {"k": k, "cases": cases.height, "year": year}
        )

    rows, anonymisation = k_anonymous_microdata(cases, k)
    tables = dp_tables(cases, epsilon_tables)
    synthesis, errors = synthetic_microdata(cases, epsilon_synthetic, [str(year)])
    microdata_csv, synthetic_csv = io.BytesIO(), io.BytesIO()
    write_microdata_csv(rows, microdata_csv)
    write_microdata_csv(synthesis.frame, synthetic_csv)
    spent = tables.epsilon + synthesis.epsilon
    parameters = {
        "k": k,
        "max_suppression": DEFAULT_MAX_SUPPRESSION,
        "epsilon_tables": epsilon_tables,
        "epsilon_synthetic": epsilon_synthetic,
    }
    accuracy = {
        "tables": {
            "total": tables.total_error_bound,
            **{slug: table.error_bound for slug, table in tables.tables.items()},
        },
        "microdata": {
            "rows_published": len(rows),
            "rows_suppressed": anonymisation.suppressed,
            "suppressed_share": round(anonymisation.suppressed_share, 4),
            "information_loss": round(anonymisation.loss, 4),
            "generalisation": anonymisation.levels,
        },
        "synthetic": {
            "rows": synthesis.frame.height,
            "marginal_errors": [error.as_dict() for error in errors.values()],
            "tree": [list(edge) for edge in synthesis.tree],
        },
    }
    tables_json = {
        "year": year,
        "unit": UNIT,
        "epsilon": tables.epsilon,
        "total": tables.total,
        "total_error_bound_95": tables.total_error_bound,
        "tables": [table.as_dict() for table in tables.tables.values()],
    }
    with transaction.atomic():
        # Releases of a year are made one at a time, so two at once cannot both fit in the budget.
        list(Release.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
        _refuse_over_budget(year, spent)
        release = Release(
            year=year,
            unit=UNIT,
            parameters=parameters,
            epsilon_spent=spent,
            accuracy=accuracy,
            code_version=code_version(),
            created_by=user,
            summary={},
            tables=tables_json,
            microdata_csv=microdata_csv.getvalue().decode(),
            synthetic_csv=synthetic_csv.getvalue().decode(),
        )
        release.summary = release_summary(release, budget_spent_before=selectors.epsilon_spent(year))
        release.save()
        audit_record(
            user=user,
            action=AuditAction.CREATE,
            obj=release,
            request=request,
            username="console",
            details={"year": year, "epsilon": spent, "k": k},
        )
    return release


def release_summary(release: Release, budget_spent_before: float) -> dict:
    """release.json: what was released, how it was protected and how accurate it is."""
    return {
        "year": release.year,
        "unit": release.unit,
        "privacy_unit": "one case: adding or removing a case changes the differentially private outputs "
        "by at most the stated epsilon",
        "parameters": release.parameters,
        "privacy_budget": {
            "spent_by_this_release": release.epsilon_spent,
            "spent_by_the_year_before": budget_spent_before,
            "allowed_per_year": settings.RELEASE_EPSILON_PER_YEAR,
        },
        "accuracy": release.accuracy,
        "code_version": release.code_version,
        "synthetic_data": selectors.year_has_synthetic_cases(release.year),
        "created_by": release.created_by.get_username() if release.created_by else "console",
        "files": list(files.FILE_NAMES),
    }


def release_approve(*, release: Release, user, request=None) -> ReleaseApproval:
    """Approve a release for publication: an administrator who did not create it, once."""
    reason = None
    if not may(user, Capability.PUBLISH):
        reason = _("Only an administrator approves a release.")
    elif release.created_by_id == user.pk:
        reason = _("An administrator who did not create the release must approve it.")
    elif ReleaseApproval.objects.filter(release=release).exists():
        reason = _("This release is already approved.")
    if reason is not None:
        audit_record(
            user=user, action=AuditAction.REFUSE, obj=release, request=request, details={"approval": str(reason)}
        )
        raise ReleaseRefused(reason)
    with transaction.atomic():
        approval = ReleaseApproval.objects.create(release=release, approved_by=user)
        audit_record(
            user=user, action=AuditAction.APPROVE, obj=release, request=request, details={"year": release.year}
        )
    return approval


def release_json(release: Release, *, public: bool = False) -> dict:
    """release.json as the release's files carry it. The public copy names no member of staff."""
    summary = {**release.summary, "approved": hasattr(release, "approval")}
    if public:
        summary.pop("created_by", None)
    return summary


def release_write_files(release: Release, directory: Path, *, public: bool = False) -> list[Path]:
    """The release's five files, as stored, into `directory`."""
    return files.write_release_directory(
        directory,
        summary=release_json(release, public=public),
        tables=release.tables,
        microdata_csv=release.microdata_csv,
        synthetic_csv=release.synthetic_csv,
    )


def release_file(release: Release, name: str, *, public: bool = False) -> bytes:
    """One of the release's files, exactly as release_write_files writes it."""
    if name not in files.FILE_NAMES:
        raise ValueError(f"a release has no file {name!r}; expected one of {', '.join(files.FILE_NAMES)}")
    with tempfile.TemporaryDirectory() as directory:
        release_write_files(release, Path(directory), public=public)
        return (Path(directory) / name).read_bytes()
