"""Suite-wide test support that belongs to no single app: the vendored real data (`data/`)."""
