"""Use cases of the assessment service, over the chassis unit of work."""
