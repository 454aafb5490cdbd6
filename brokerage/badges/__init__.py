"""Badges: per-event layout settings, logo, QR codes, and badge PDFs (A6 and A4 sheets)."""
