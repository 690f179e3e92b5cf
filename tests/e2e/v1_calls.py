"""A v1 call to a running server, for the stories that compare the two dialects."""

from __future__ import annotations

from typing import Any

import httpx2

from podium.testing import PodiumServer, TestAccount


def v1(server: PodiumServer, account: TestAccount, action: str, **params: Any) -> Any:
    """POST /v1/<action> with the account's key pair and host; the JSON answer."""
    data = {
        "api_key": account.api_key,
        "api_secret": account.api_secret,
        "host_id": account.host_id,
    }
    return httpx2.post(f"{server.base_url}/{action}", data={**data, **params}).json()
