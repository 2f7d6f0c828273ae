"""Benchmarks and the corpus generator, kept out of the run: ``python -m pipeline.bench COMMAND``."""
