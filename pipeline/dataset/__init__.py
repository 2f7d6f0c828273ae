"""Records -> the tables of ``out/`` and back: schema, rows and frames, CSV and Parquet writers,
the staging swap, ``load``."""
