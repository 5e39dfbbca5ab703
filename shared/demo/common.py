"""Constants shared by the demo loaders."""

DEMO_MUNICIPALITY = "9990"
DEMO_MUNICIPALITY_TITLE = "Exempelstad (fiktiv kommun, syntetiska data)"
DEMO_YEARS = range(2019, 2025)
SEED = 2021
