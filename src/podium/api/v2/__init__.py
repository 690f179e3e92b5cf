"""The Zoom REST API v2 dialect (webinars): a thin adapter over the same services as v1.

bodies (request models) → requests (parse and validate) → operations (the one list of
endpoints) → handlers (webinars, registrants, panelists, polls, reports) → shapes (plain
JSON) → errors (the v2 renderer); answers (response models) and openapi (the document made
from the same models); paging (next_page_token); oauth (the token endpoint's rules of the
wire). HTTP is web/v2.py's business.
"""
