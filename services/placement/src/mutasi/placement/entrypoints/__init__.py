"""entrypoints of the placement service."""
