"""Availability: which sessions each participant attends and which single slots they block."""
