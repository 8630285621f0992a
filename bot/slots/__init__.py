"""Recruitment slots: offering and booking a date, the candidate's /rdv, staff's slot management,
reminders and calendar files; what /statut, /rdv and /start say of where a person stands
(`standing`, from the one rule of `bot.core.rules.standing`).
"""
