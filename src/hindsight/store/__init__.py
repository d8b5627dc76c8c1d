"""Persistence: SQLAlchemy models, migrations, backups and repositories. The only SQL."""
