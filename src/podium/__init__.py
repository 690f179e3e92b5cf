"""Podium: a self-hosted webinar server that speaks the Zoom REST API v1 webinar dialect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from podium.settings import Settings

__version__ = "0.1.0"
__all__ = ["PodiumServer", "Settings", "__version__", "create_app"]

if TYPE_CHECKING:
    from podium.web.app import create_app
    from podium.web.server import PodiumServer


def __getattr__(name: str) -> Any:
    # The web stack loads only when asked for: `import podium` stays cheap for the CLI.
    if name == "create_app":
        from podium.web.app import create_app

        return create_app
    if name == "PodiumServer":
        from podium.web.server import PodiumServer

        return PodiumServer
    raise AttributeError(name)
