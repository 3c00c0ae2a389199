"""The HTTP gateway: a versioned JSON API for precinct clients and coordinators (Litestar)."""
