"""Accounts, two-factor login, sessions and throttling (the I/O side of ``domain.account``)."""
