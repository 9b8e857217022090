"""Cognigy.AI contact profiles (``/new/v2.0/profiles``): spec ``openapi/cognigy.yaml``, a
per-tenant store, handlers, Cognigy's error envelope, its API-key scheme and its
representations (JSON, HAL, CSV, XML)."""
