"""People signed in with the test identity provider (unit managers), from the identity tests."""

from tests.shared.identity.conftest import (  # noqa: F401 - fixtures for the ingest tests
    identity_apps,
    identity_settings,
    issuer,
    person,
)
