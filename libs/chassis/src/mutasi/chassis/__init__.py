"""Plumbing every Mutasi service needs."""
