"""Scorers shared by the tests and the benchmarks: a dataset against gold labels (``score``), and
the diff computed from gold labels alone (``gold_diff``)."""
