"""The control plane served under ``/__admin/`` (its spec is ``openapi/admin.yaml``)."""
