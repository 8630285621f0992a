"""Referrers: their links and QR codes, the candidates they send, and what becomes of them."""
