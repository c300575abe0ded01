"""pytest configuration: hypothesis profiles.

Profiles: "ci" (default; deterministic, 200 examples, no deadline) and "dev" (quick,
random). Choose with HYPOTHESIS_PROFILE=dev.
"""

import os
import shutil
import warnings

import pytest

from hypothesis import HealthCheck, settings

# When a hypothesis test fails, its pytest plugin imports libcst (to suggest a patch), and
# some libcst versions trigger a DeprecationWarning from mypy_extensions at import time. Under
# filterwarnings=error that turns a test failure into an INTERNALERROR; import it quietly now.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:
        pass

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=200,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def promtool():
    """Prometheus' promtool (Debian package 'prometheus'): skipped without it, unless
    DRIFTSCOPE_REQUIRE_PROMTOOL=1 (CI) makes its absence a failure."""
    path = shutil.which("promtool")
    if path is None:
        if os.environ.get("DRIFTSCOPE_REQUIRE_PROMTOOL") == "1":
            pytest.fail("promtool not found (install Debian's 'prometheus' package); DRIFTSCOPE_REQUIRE_PROMTOOL=1")
        pytest.skip("promtool not installed (Debian package 'prometheus')")
    return path
