"""Check-in at the door: signed badge tokens, staff pages, live figures and exports."""
