"""FullStory segments: built-in, seeded and user-defined predicates over a tenant's world."""
