"""Retention, purge and erasure."""
