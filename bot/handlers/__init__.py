"""Telegram handlers: they read the update, call the domain and the store, and reply."""
