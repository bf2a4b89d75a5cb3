"""Amparo: registry, case management and statistics for human-trafficking cases."""
