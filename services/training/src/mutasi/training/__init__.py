"""Mutasi training service."""
