"""Keeping the data lawful and safe: retention, purge, backup, and the redaction of messages after
an erasure.
"""
