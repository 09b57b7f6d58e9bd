"""service layer of the training service."""
