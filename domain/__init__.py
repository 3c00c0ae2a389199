"""The election domain: pure Python, no asyncio, NATS, FastStream or logging."""
