"""Confidence intervals for a share.

The Wilson score interval stays inside [0, 1] and behaves with the small
counts of departments and districts, where the normal approximation fails.
"""

import math

Z_95 = 1.959963984540054  # two-sided 95% quantile of the standard normal


def wilson_interval(count: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of the proportion count/total; (0, 1) when nothing was observed."""
    if total < 0 or count < 0 or count > total:
        raise ValueError(f"a share needs 0 <= count <= total, not count={count}, total={total}")
    if total == 0:
        return 0.0, 1.0
    p = count / total
    z2 = z * z
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denominator
    # At 0 and at total the bounds are exactly 0 and 1; rounding would leave a trace of 1e-17.
    low = 0.0 if count == 0 else max(0.0, centre - half_width)
    high = 1.0 if count == total else min(1.0, centre + half_width)
    return low, high
