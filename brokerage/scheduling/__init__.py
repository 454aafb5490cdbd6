"""Scheduling: the pure solver (``solver/``), its file formats and command line.

The web app's side (building a Problem from the database, saving results) lives in
``services.py`` once it exists; nothing in ``solver/`` may import it.
"""
