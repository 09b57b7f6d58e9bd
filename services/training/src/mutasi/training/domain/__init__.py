"""domain of the training service."""
