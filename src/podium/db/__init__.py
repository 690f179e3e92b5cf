"""Storage: the tables (models), the engine, and the migrations."""
