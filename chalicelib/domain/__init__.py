"""The complaint desk's domain: pure Python, no I/O beyond reading the project's own data files."""
