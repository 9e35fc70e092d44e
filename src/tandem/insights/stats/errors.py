"""The one error of the statistics module."""


class StatsError(ValueError):
    """Input the statistics cannot be computed from (n = 0, a count above n, a NaN ...)."""
