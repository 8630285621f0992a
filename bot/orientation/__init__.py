"""Orientation beyond the job (issue 25): the needs a person names (childcare, transport,
housing, health, papers, learning French) and the local services that help with each, from
data·inclusion's published directory."""
