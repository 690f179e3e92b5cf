"""The rules: plain functions over a Session; they flush, raise ZoomError, and never commit."""
