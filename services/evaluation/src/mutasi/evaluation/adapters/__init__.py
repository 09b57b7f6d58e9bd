"""adapters of the evaluation service."""
