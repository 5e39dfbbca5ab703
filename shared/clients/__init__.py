"""Typed HTTP clients for service-to-service calls, one module per called service."""
