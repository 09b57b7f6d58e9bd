"""domain of the placement service."""
