"""The NATS server side: the embedded nats-server, one owner per store, the deployment's users
and permissions, and which server and user a process talks to."""
