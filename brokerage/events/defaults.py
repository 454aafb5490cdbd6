"""What a new event starts with: thematic areas and participant types.

One place, so the admin form, the demo loader and the tests all seed the same lists.
Organisers rename, add or delete them afterwards.
"""

from __future__ import annotations

DEFAULT_TOPICS: tuple[str, ...] = (
    "Energy transition",
    "Digital growth",
    "Circular economy",
    "Agro-food",
    "Industrial modernisation",
    "Blue economy",
    "Health",
)

# (name, badge colour). Distinct hues, each dark enough for white text (contrast >= 4.5:1),
# so a badge band stays readable and types stay apart for colour-blind readers by hue and name.
DEFAULT_PARTICIPANT_TYPES: tuple[tuple[str, str], ...] = (
    ("Company / SME", "#0b5cad"),
    ("Large company", "#5b2c83"),
    ("University or research organisation", "#1e7145"),
    ("Cluster", "#a84300"),
    ("Public authority or agency", "#a4133c"),
    ("Investor", "#00666e"),
    ("Other", "#4a5057"),
)

DEFAULT_MEETING_MINUTES = 20
DEFAULT_CHANGEOVER_MINUTES = 5

# Offered in the time-zone field; any valid IANA name is accepted.
COMMON_TIMEZONES: tuple[str, ...] = (
    "Europe/Amsterdam",
    "Europe/Athens",
    "Europe/Berlin",
    "Europe/Brussels",
    "Europe/Bucharest",
    "Europe/Budapest",
    "Europe/Copenhagen",
    "Europe/Dublin",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Lisbon",
    "Europe/Ljubljana",
    "Europe/London",
    "Europe/Luxembourg",
    "Europe/Madrid",
    "Europe/Oslo",
    "Europe/Paris",
    "Europe/Prague",
    "Europe/Riga",
    "Europe/Rome",
    "Europe/Sofia",
    "Europe/Stockholm",
    "Europe/Tallinn",
    "Europe/Vienna",
    "Europe/Vilnius",
    "Europe/Warsaw",
    "Europe/Zagreb",
    "Europe/Zurich",
    "UTC",
)
