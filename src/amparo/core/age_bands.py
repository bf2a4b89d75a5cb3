"""Age bands used in Peru's registries (RETA-PNP, SISTRA) and by CTDC, defined once.

Every consumer (statistics in SQL, imports, exports, reports) reads these
tuples; nobody writes the boundaries again.
"""

from dataclasses import dataclass
from datetime import date

ADULT_AGE = 18


def age_on(birth_date: date, day: date) -> int:
    """Whole years from a birth date to a day: one more on each birthday (29 February's on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class AgeBand:
    label: str
    lower: int
    upper: int | None  # inclusive; None means "and over"

    def contains(self, age: int) -> bool:
        return age >= self.lower and (self.upper is None or age <= self.upper)


PERU_BANDS: tuple[AgeBand, ...] = (
    AgeBand("0-12", 0, 12),
    AgeBand("13-17", 13, 17),
    AgeBand("18-24", 18, 24),
    AgeBand("25-34", 25, 34),
    AgeBand("35+", 35, None),
)

CTDC_AGE_BROAD: tuple[AgeBand, ...] = (
    AgeBand("0--8", 0, 8),
    AgeBand("9--17", 9, 17),
    AgeBand("18--20", 18, 20),
    AgeBand("21--23", 21, 23),
    AgeBand("24--26", 24, 26),
    AgeBand("27--29", 27, 29),
    AgeBand("30--38", 30, 38),
    AgeBand("39--47", 39, 47),
    AgeBand("48+", 48, None),
)


def uniform_bands(width: int, open_from: int) -> tuple[AgeBand, ...]:
    """Bands of `width` years from 0, the last one open ("60+"): the generalisation steps of age
    in published microdata, where a band must be wide enough to hide a child among others."""
    bands = tuple(
        AgeBand(f"{lower}-{lower + width - 1}", lower, lower + width - 1) for lower in range(0, open_from, width)
    )
    return (*bands, AgeBand(f"{open_from}+", open_from, None))


# Ages from this one on are one open band at every generalisation step: few victims are older.
OPEN_BAND_FROM = 60
FIVE_YEAR_BANDS = uniform_bands(5, OPEN_BAND_FROM)
TEN_YEAR_BANDS = uniform_bands(10, OPEN_BAND_FROM)
TWENTY_YEAR_BANDS = uniform_bands(20, OPEN_BAND_FROM)

UNKNOWN = "unknown"


def band_for(age: int | None, bands: tuple[AgeBand, ...] = PERU_BANDS) -> str:
    if age is None:
        return UNKNOWN
    for band in bands:
        if band.contains(age):
            return band.label
    raise ValueError(f"age {age} is outside every band")


def majority_status(age: int | None) -> str:
    """CTDC's majorityStatus: Minor, Adult or Unknown."""
    if age is None:
        return "Unknown"
    return "Minor" if age < ADULT_AGE else "Adult"
