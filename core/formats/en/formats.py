"""English formats: day, short month name, full year ("5 Dec 2026"), 24-hour times with
the zone ("5 Dec 2026, 14:30 WIB"). Never a day/month order a reader must guess.

Numbers: "2,400" and "2.5" (see ``core.formatting`` for money).
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = "j M Y, H:i T"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j M"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1  # Monday, as in Indonesia
