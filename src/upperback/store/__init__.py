"""Storage adapter: SQLAlchemy tables, engine set-up, unit of work, Alembic migrations."""
