"""domain of the assessment service."""
