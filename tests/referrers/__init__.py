"""Referrers: links, QR codes, follow-up, command line."""
