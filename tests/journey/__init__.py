"""The candidate journey: questions, verdicts, typed answers, the dialogs' files."""
