"""Constants shared by the demo loaders."""

DEMO_MUNICIPALITY = "9990"
DEMO_MUNICIPALITY_TITLE = "Exempelstad (fiktiv kommun, syntetiska data)"
DEMO_YEARS = range(2019, 2025)
SEED = 2021

# Fictional peers of Exempelstad, so its comparisons (group mean, rank, colour) show on a fresh
# machine. 99xx is no real municipality's code (county codes run 01–25); their values are
# synthetic, stored as local data and compared only with a fictional municipality.
FICTIONAL_PREFIX = "99"
SYNTHETIC_PEERS = {
    "9991": "Jämförstad A (fiktiv kommun, syntetiska data)",
    "9992": "Jämförstad B (fiktiv kommun, syntetiska data)",
    "9993": "Jämförstad C (fiktiv kommun, syntetiska data)",
    "9994": "Jämförstad D (fiktiv kommun, syntetiska data)",
    "9995": "Jämförstad E (fiktiv kommun, syntetiska data)",
    "9996": "Jämförstad F (fiktiv kommun, syntetiska data)",
}
SYNTHETIC_GROUP_TITLE = "Fiktiva jämförelsekommuner till Exempelstad (syntetiska data)"


def is_fictional(code: str) -> bool:
    return code.startswith(FICTIONAL_PREFIX)
