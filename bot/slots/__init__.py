"""Recruitment slots: offering and booking a date, the candidate's /rdv, staff's slot management,
reminders and calendar files.
"""
