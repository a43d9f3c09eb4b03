"""Project databases: SQLAlchemy models, migrations, the repository API, import and export."""
