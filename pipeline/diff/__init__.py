"""City or district lists against their province's: baseline choice, alignment on meaning, time
limits, findings, rendering (JSON, Markdown, XLSX) and the files of ``out/diffs/``. A pure stage
over dataset tables: it reads no input documents."""
