"""HTTP-free building blocks shared by every API: clock, seeded randomness, tenants, journal,
rate limits, faults, lifecycles and snapshots."""
