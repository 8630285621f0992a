"""Messages a committed change owes (confirmations, cards, decisions), delivered even across a
crash.
"""
