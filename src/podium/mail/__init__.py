"""E-mail: rendering outbox messages (Jinja2 + Babel catalogs + iCalendar) and delivering
them over SMTP (aiosmtplib). The messages themselves are written by services/outbox.py."""
