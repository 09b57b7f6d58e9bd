"""service layer of the placement service."""
