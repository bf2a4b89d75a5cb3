"""Benchmarks (not tests): `make bench` runs every `benchmarks/*_bench.py`, each in its own process."""
