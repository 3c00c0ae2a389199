"""The I/O shell: processes, adapters, the command line."""
