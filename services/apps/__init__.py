"""The applications: protocols, elections and accounts on the event store (eventsourcing
``Application``s), the sessions they grant, idempotency read from the log, who acts."""
