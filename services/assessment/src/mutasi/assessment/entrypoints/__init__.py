"""HTTP routes and Kafka subscribers of the assessment service."""
