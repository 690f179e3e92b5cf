"""The only package that knows HTTP, async, Starlette, uvicorn and Jinja2."""
