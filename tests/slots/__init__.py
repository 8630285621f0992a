"""Recruitment slots: offer, booking, /rdv, staff's slots, reminders, command line."""
