"""The journey's rules, pure (no Telegram, no SQL): eligibility, skip logic, contact details, typed
answers, the ids code relies on.
"""
