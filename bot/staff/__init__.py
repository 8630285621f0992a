"""Staff review: cards and decisions, the queue, search, export, figures, and the typed inputs
staff answer.
"""
