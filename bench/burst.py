"""Open-loop load for the webhook bench: `webinar/register` of new e-mails at a fixed rate.

    python bench/burst.py BASE_URL FORM RATE SECONDS TAG

FORM carries api_key, api_secret and id. Prints one JSON object: the e-mails acknowledged
with the time of each answer, the failures, and when the burst started and ended.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import aiohttp

BASE, FORM, RATE, SECONDS, TAG = (
    sys.argv[1],
    sys.argv[2],
    float(sys.argv[3]),
    float(sys.argv[4]),
    sys.argv[5],
)


async def main() -> None:
    acked: list[tuple[str, float]] = []
    failures = 0
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def register(n: int) -> None:
            nonlocal failures
            email = f"{TAG}{n}@bench.test"
            body = f"{FORM}&email={TAG}{n}%40bench.test&first_name=B&last_name=P"
            try:
                async with session.post(
                    f"{BASE}/webinar/register",
                    data=body,
                    headers={"content-type": "application/x-www-form-urlencoded"},
                ) as response:
                    answer = await response.json(content_type=None)
            except aiohttp.ClientError:
                failures += 1
                return
            if "registrant_id" in answer:
                acked.append((email, time.time()))
            else:
                failures += 1

        began = time.time()
        start = time.monotonic()
        tasks = []
        total = int(RATE * SECONDS)
        for n in range(total):
            delay = start + n / RATE - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(register(n)))
        ended = time.time()
        await asyncio.gather(*tasks)
    print(json.dumps({"acked": acked, "failures": failures, "began": began, "ended": ended}))


asyncio.run(main())
