"""Summary ("visit") profiles: the stored object (:mod:`.model`), its two wire forms (v2 and the
beta form of seed 000), the per-tenant store (:mod:`.store`) and override merging
(:mod:`.merge`)."""
