"""What the methods page explains, read from the code and settings that make the figures, so that the page
cannot drift from them: age bands, where a case is placed, who counts as family, which dimensions are
multi-valued, the protection's parameters, the linkage behind the victims' count, the sources."""

from django.utils import timezone

from amparo.core import age_bands, codelists
from amparo.linkage.selectors import latest_run, linked_sources
from amparo.registry.records import PLACE_PRIORITY
from amparo.reports.tables import unit_label
from amparo.stats import engine
from amparo.stats.dimensions import DIMENSIONS, UNKNOWN, dimension
from amparo.stats.domain.protection import SUPPRESSION, Protection
from amparo.stats.presentation import protection_note


def _bands(bands: tuple[age_bands.AgeBand, ...]) -> list[dict]:
    return [{"label": b.label, "lower": b.lower, "upper": b.upper} for b in bands]


def methods_content(*, suppressed: bool) -> dict:
    """Everything the methods page prints that the code decides; ``suppressed``: whether the reader gets
    protected figures (accounts.access.statistics_suppressed_for)."""
    cell_key = engine.protection(True)
    threshold = engine.suppression_threshold(True)
    run = latest_run()
    return {
        "units": {"cases": unit_label("cases"), "victims": unit_label("victims")},
        "linkage": {"finished": timezone.localdate(run.finished_at), "sources": linked_sources()} if run else None,
        "adult_age": age_bands.ADULT_AGE,
        "age_tables": [
            (str(dimension("age_group").title), _bands(age_bands.PERU_BANDS)),
            (str(dimension("age_broad").title), _bands(age_bands.CTDC_AGE_BROAD)),
        ],
        "place_order": [
            str(codelists.EVENT_TYPE.label(code)) for code in sorted(PLACE_PRIORITY, key=PLACE_PRIORITY.get)
        ],
        "lima_metropolitana": dimension("lima_area").label("metropolitana"),
        "callao": dimension("lima_area").label("callao"),
        "relatives": [str(r.label) for r in codelists.RELATIONSHIPS if r.is_relative],
        "relationship_groups": [
            {
                "label": str(group.label),
                "members": [str(r.label) for r in codelists.RELATIONSHIPS if r.group == group.code],
            }
            for group in codelists.RELATIONSHIP_GROUP
            if group.code != UNKNOWN
        ],
        "multi_valued": [str(d.title) for d in DIMENSIONS.values() if d.multi_valued],
        "dimensions": [{"title": str(d.title), "multi_valued": d.multi_valued} for d in DIMENSIONS.values()],
        "protection": {
            "suppressed": suppressed,
            "cell_key_note": protection_note(cell_key),
            "table": cell_key.table,
            "max_noise": cell_key.max_noise,
            "threshold": threshold,
            "suppression_note": protection_note(Protection(SUPPRESSION, threshold=threshold)),
        },
        "sources": sorted(
            (label for key, label in dimension("source").labels().items() if key != UNKNOWN), key=str.casefold
        ),
    }
