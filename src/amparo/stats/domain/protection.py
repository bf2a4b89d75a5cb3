"""How a table's figures were protected, carried with the table to every output that prints it."""

from dataclasses import dataclass

CELL_KEY = "cell-key perturbation"
SUPPRESSION = "small-cell suppression"
EXACT = "none"


@dataclass(frozen=True)
class Protection:
    """``method`` is CELL_KEY (with the perturbation ``table`` and its ``max_noise``), SUPPRESSION (with its
    ``threshold``) or EXACT: exact figures, not for publication."""

    method: str
    table: str | None = None
    max_noise: int | None = None
    threshold: int | None = None

    @property
    def exact(self) -> bool:
        return self.method == EXACT

    def as_json(self) -> dict:
        """The protection as a JSON object, its method in words a reader can look up in docs/publication.md."""
        if self.method == CELL_KEY:
            return {
                "method": self.method,
                "perturbation_table": self.table,
                "max_noise": self.max_noise,
                "additive": False,
            }
        if self.method == SUPPRESSION:
            return {"method": self.method, "threshold": self.threshold}
        return {"method": self.method, "for_publication": False}


UNPROTECTED = Protection(EXACT)
