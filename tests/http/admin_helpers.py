"""The management token of the HTTP tests' sandbox (tests/http/conftest.py)."""

TOKEN = "admin-token-for-tests-0123456789"
BEARER = {"authorization": f"Bearer {TOKEN}"}
