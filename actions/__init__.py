"""Rasa action server: thin rasa-sdk adapters over ``bot`` (one module per feature).

Run with ``python -m rasa_sdk --actions actions``; each action reads the tracker, calls a
``bot`` function inside one database transaction, and returns events and messages.
"""
