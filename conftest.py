"""Shared fixtures. The embedded PostgreSQL serves the tests too (DESIGN: PostgreSQL only)."""
