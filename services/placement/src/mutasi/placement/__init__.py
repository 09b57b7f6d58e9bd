"""Mutasi placement service."""
