"""Shared pieces no feature owns: settings, texts and locales, callback data, the bot object,
polling, rate limits, the local Bot API, the base store, the states of an application.
"""
