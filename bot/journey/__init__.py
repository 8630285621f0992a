"""The candidate's journey: eligibility questions, workshops, filing, and the person's rights
(status, withdrawal, their data, erasure).
"""
