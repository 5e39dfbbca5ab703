"""Shapes that cross a service boundary: the owning service serves them, peers parse them
through shared.clients. Changing one is an API change for both sides.

- indicators.py — owned by the indicators service.
- budget.py — owned by the budget service.
"""
