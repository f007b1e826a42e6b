"""The hall's workday calendar, beneath both the queue and attendance.

Statutory holidays and adjusted workdays (chinesecalendar), the hall config's own dates and a
Monday–Friday fallback (``workdays.calendar``); a fixed calendar for tests and replays
(``workdays.fixed``). Not named ``calendar``: a top-level package of that name would shadow
the standard library.
"""
