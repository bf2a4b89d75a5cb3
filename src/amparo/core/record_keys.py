"""Record keys: the random number each case carries for the statistics' cell-key perturbation
(amparo.stats.domain.cellkey). Drawn once when a case is stored and never changed, so the same cases always
make the same cell key."""

import os

import numpy as np

KEY_RANGE = 2**31  # keys are integers in [0, KEY_RANGE): a 32-bit signed column on every database


def new_record_keys(count: int) -> list[int]:
    """`count` keys from the operating system's random source, uniform in [0, KEY_RANGE)."""
    return (np.frombuffer(os.urandom(4 * count), dtype=np.uint32) >> 1).astype(np.int64).tolist()


def new_record_key() -> int:
    """One key: the default of a case's record key, whichever way the case is created."""
    return new_record_keys(1)[0]
