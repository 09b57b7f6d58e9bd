"""adapters of the assessment service."""
