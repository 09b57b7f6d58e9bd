"""adapters of the placement service."""
