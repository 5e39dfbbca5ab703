"""Kvalitetsnavet's shared package: settings, database, schema, errors, auth, clients."""

__version__ = "0.2.0"
API_VERSION = "1"
