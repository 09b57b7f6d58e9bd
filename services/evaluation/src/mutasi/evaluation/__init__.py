"""Mutasi evaluation service."""
