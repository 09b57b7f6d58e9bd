"""Mutasi event contracts: the only thing services share about each other."""
