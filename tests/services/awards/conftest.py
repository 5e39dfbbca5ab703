"""Awards tests run against the four real apps wired in process (tests/conftest.py `apps`):
prize money is booked in the real budget service and goal status comes from real targets in
the indicators service. The helpers for both are in tests/services/awards/data.py."""
