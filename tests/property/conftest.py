"""Hypothesis profiles for the property tests.

``NETDB_FUZZ=long`` selects ``ci-long``: the on-demand fuzzing campaign (many
more examples per test, no deadline).  Otherwise ``default`` runs: hypothesis'
usual example count, without a per-example deadline (some inputs are 1 MB).
Tests that set ``max_examples`` themselves keep their own count.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile("default", deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile(
    "ci-long",
    max_examples=int(os.environ.get("NETDB_FUZZ_EXAMPLES", "20000")),
    deadline=None,
    suppress_health_check=_SLOW_OK,
)
settings.load_profile("ci-long" if os.environ.get("NETDB_FUZZ") == "long" else "default")
