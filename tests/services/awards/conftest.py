"""Awards tests run against the four real apps wired in process (tests/conftest.py `apps`):
prize money is booked in the real budget service and goal status comes from real targets in
the indicators service. The helpers for both are in tests/services/awards/data.py."""

# The identity tests' fixtures (a test issuer; the apps configured to trust it; `person`),
# for tests of what a signed-in person with a role may do in awards.
from tests.shared.identity.conftest import (  # noqa: F401
    identity_apps,
    identity_settings,
    issuer,
    person,
)
