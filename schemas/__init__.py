"""Wire contracts: msgspec types and the names of every field and header. No logic, no I/O."""
