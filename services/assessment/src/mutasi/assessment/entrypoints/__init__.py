"""entrypoints of the assessment service."""
