"""The projection runners' I/O: reading the event stream, the SQLite view store, announcements."""
