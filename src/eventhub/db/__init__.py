"""Persistence: models, migrations, and the services that are the only code touching a database session."""
