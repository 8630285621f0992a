"""Pure rules: no Telegram, no SQL. Each function takes data and returns data."""
