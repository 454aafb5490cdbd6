"""Agendas: the participant's agenda page, PDF and iCalendar feed; organiser print-outs."""
