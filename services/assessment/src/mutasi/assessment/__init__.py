"""Mutasi assessment service."""
