"""Run by tests/e2e/test_zoomus1.py with a separate interpreter that has PyPI zoomus==1.1.6:
its v1 mode (query string, plus a `token` JWT that Podium ignores). Prints one JSON object."""

import datetime
import json
import sys

from zoomus import ZoomClient

api_key, api_secret, host_id, base_url = sys.argv[1:5]
client = ZoomClient(api_key, api_secret, version=1)
for component in client.components.values():
    component.base_uri = base_url
webinar = client.webinar
created = webinar.create(
    host_id=host_id,
    topic="zoomus 1.x",
    approval_type=0,
    start_time=datetime.datetime(2099, 1, 1, 10, 0),
).json()
answers = {
    "create": created,
    "get": webinar.get(host_id=host_id, id=created["id"]).json(),
    "upcoming": webinar.upcoming(host_id=host_id).json(),
    "register": webinar.register(
        id=created["id"], email="one@x.test", first_name="One", last_name="Client"
    ).json(),
    "update": webinar.update(host_id=host_id, id=created["id"], topic="renamed").json(),
    "end": webinar.end(host_id=host_id, id=created["id"]).json(),
    "delete": webinar.delete(host_id=host_id, id=created["id"]).json(),
    "after": webinar.get(host_id=host_id, id=created["id"]).json(),
}
sys.stdout.write(json.dumps(answers) + "\n")
