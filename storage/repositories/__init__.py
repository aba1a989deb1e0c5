"""Repositories: typed access to the database. Callers own the transaction."""
