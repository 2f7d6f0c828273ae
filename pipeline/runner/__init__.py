"""Many files -> one dataset: the run (``runner.run``), worker processes, the result cache,
building on the previous run, progress; and the on-demand ``diff`` command, which reads files
with a run of its own."""
