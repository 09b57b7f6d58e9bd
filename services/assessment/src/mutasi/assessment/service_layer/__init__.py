"""service layer of the assessment service."""
