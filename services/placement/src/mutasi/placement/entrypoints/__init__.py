"""FastAPI routes and Kafka subscribers of the placement service: parse, map, call, return."""
