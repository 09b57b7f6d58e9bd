"""domain of the evaluation service."""
