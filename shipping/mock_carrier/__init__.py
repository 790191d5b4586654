"""A mock parcel carrier speaking an EasyPost-style HTTP/JSON API (see server.py)."""

from shipping.mock_carrier.server import MockCarrierServer

__all__ = ["MockCarrierServer"]
