"""Mail to attendees: composed from the outbox at send time, sent over SMTP or to the log."""
