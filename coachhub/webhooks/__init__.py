"""Outgoing webhooks: `gateway.py` (the only module that talks HTTP to receivers: signing,
the address check, the POST) and `delivery.py` (the worker pass behind send-outbox)."""
