"""adapters of the training service."""
