"""The root of the error tree: what every error carries (see the package's docstring)."""

from __future__ import annotations

from typing import ClassVar


class ZoomError(Exception):
    """Base for every error the v1 API reports; subclasses set code and message."""

    code: ClassVar[int]
    message: ClassVar[str]
    status: ClassVar[int] = 200  # v1 reports errors inside an HTTP 200
    http_status: ClassVar[int] = 400  # REST-style surfaces: JSON APIs and pages
    # The v2 dialect (api/v2/errors.py), where it differs: None means code, message and
    # http_status above.
    v2_code: ClassVar[int | None] = None
    v2_message: ClassVar[str | None] = None
    v2_status: ClassVar[int | None] = None

    def __init__(self, **context: object) -> None:
        self.context = context
        super().__init__(self.message.format(**context))

    @property
    def headers(self) -> dict[str, str]:
        """Extra HTTP headers of the answer."""
        return {}


VALIDATION_FAILED = "Validation Failed."
