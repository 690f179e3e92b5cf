// Podium as the Zoom v1 sandbox of a Node test suite, driven by npm zoomus@0.1.5.
//
//   podium serve --sandbox --port 8000 &        # or: make serve in a Podium checkout
//   npm install zoomus@0.1.5
//   PODIUM_URL=http://127.0.0.1:8000 node --test examples/node/
//
// On a sandbox server the management API (/podium/api) answers this machine without a token;
// elsewhere set PODIUM_ADMIN_TOKEN on both sides.
"use strict";
const assert = require("node:assert/strict");
const http = require("node:http");
const { test } = require("node:test");

// zoomus 0.1.5 writes its body on "connect", which never fires on a reused socket (Node >= 19).
http.globalAgent = new http.Agent({ keepAlive: false });

const root = (process.env.PODIUM_URL || "http://127.0.0.1:8000").replace(/\/$/, "");
const headers = { "content-type": "application/json" };
if (process.env.PODIUM_ADMIN_TOKEN) headers.authorization = `Bearer ${process.env.PODIUM_ADMIN_TOKEN}`;

async function manage(path, body) {
  const answer = await fetch(`${root}/podium/api${path}`, {
    method: "POST", headers, body: JSON.stringify(body || {}),
  });
  return answer.json();
}

async function zoomAccount() {
  const account = await manage("/accounts", { name: "Node example" });
  const url = new URL(`${root}/v1`);
  const Zoom = require("zoomus")({
    key: account.api_key, secret: account.api_secret,
    protocol: "http", host: url.hostname, port: url.port, basepath: url.pathname,
  });
  const call = (method, data) => new Promise((resolve) => Zoom.webinar[method](data, resolve));
  return { account, call };
}

test("registrants need approval, then get a personal link", async () => {
  const { account, call } = await zoomAccount();
  const webinar = await call("create", {
    host_id: account.host_id, topic: "Node launch", approval_type: 1,
    start_time: "2030-01-01T10:00:00Z",
  });
  const person = await call("register", {
    id: webinar.id, email: "ann@example.com", first_name: "Ann", last_name: "Lee",
  });
  const pending = await call("listRegistrations", { id: webinar.id, host_id: account.host_id, type: 0 });
  assert.deepEqual(pending.users.map((u) => u.email), ["ann@example.com"]);

  await call("approveRegistration", {
    id: webinar.id, host_id: account.host_id, registrant_ids: person.registrant_id,
  });
  const approved = await call("listRegistrations", { id: webinar.id, host_id: account.host_id, type: 1 });
  assert.deepEqual(approved.users.map((u) => u.id), [person.registrant_id]);
});

test("an injected error reaches your code", async () => {
  const { account, call } = await zoomAccount();
  const webinar = await call("create", { host_id: account.host_id, topic: "Full", approval_type: 0 });
  await manage("/faults", { action: "webinar/register", error_code: 3035, message: "Webinar is full.", count: 1 });

  const answer = await call("register", {
    id: webinar.id, email: "late@example.com", first_name: "Late", last_name: "Comer",
  });

  assert.deepEqual(answer, { error: { code: 3035, message: "Webinar is full." } });
});
