"""Pure parsers of the configuration files: text in, records and diagnostics out (no I/O)."""
