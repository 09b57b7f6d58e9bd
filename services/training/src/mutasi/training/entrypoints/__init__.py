"""entrypoints of the training service."""
