"""The command and accounts services: FastStream responders on NATS request/reply, one queue
group, dispatching the command table (``schemas.catalog``) to the applications."""
