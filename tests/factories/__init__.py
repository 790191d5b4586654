"""factory_boy factories for LEAF rows only. Stock, orders and reservations are built through
services (tests/scenarios.py) so the ledger invariant holds in every test."""
