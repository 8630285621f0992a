"""The whole bot: crash and restart, fuzz, command line, webhook, local Bot API, house rules."""
