"""entrypoints of the evaluation service."""
