"""Mizan's wording in Arabic and English: the gettext catalogs the web and the mail share, and the way
dates, durations and sizes are written in each language."""
