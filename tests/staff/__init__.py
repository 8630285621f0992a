"""Staff review: cards, decisions, queue, export, figures, strangers."""
