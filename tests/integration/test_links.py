"""The recorders of one process share one connection per server and user: the protocols and
accounts applications of a command service talk through one, on their different streams."""

from __future__ import annotations

from services.apps.accounts import Accounts
from services.apps.protocols import Protocols
from services.eventstore.settings import StoreSettings
from tests.natsserver import fresh_stream, session_url


def test_applications_of_a_process_share_one_connection_until_the_last_closes() -> None:
    settings = StoreSettings(url=session_url(), stream=fresh_stream())
    protocols = Protocols(env=settings.environment())
    accounts = Accounts(settings)
    nc = protocols.recorder.datastore.nc  # type: ignore[attr-defined]
    assert nc is accounts.recorder.datastore.nc  # type: ignore[attr-defined]
    protocols.close()
    assert nc.is_connected  # still the accounts application's
    assert accounts.account("nobody") is None  # and it still reads
    accounts.close()
    assert nc.is_closed
    again = Protocols(env=settings.environment())  # a new one after the last let go
    try:
        assert again.recorder.datastore.nc is not nc  # type: ignore[attr-defined]
        assert again.recorder.max_notification_id() is None  # type: ignore[attr-defined]
    finally:
        again.close()
