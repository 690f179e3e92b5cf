// Drives Podium with npm zoomus@0.1.5 (a urlencoded body per call) and prints every answer
// as one JSON line, for the Python test to check: register → registrants/list → approve →
// cancel → registration.
"use strict";
const http = require("http");

// Node >= 19 keeps sockets alive by default; zoomus 0.1.5 writes its body on "connect", which
// never fires on a reused socket. Its own README predates that: give it fresh connections.
http.globalAgent = new http.Agent({ keepAlive: false });

const [baseUrl, key, secret, hostId, webinarId] = process.argv.slice(2);
const url = new URL(baseUrl);
const Zoom = require("zoomus")({
  key, secret, protocol: "http", host: url.hostname, port: url.port, basepath: url.pathname,
});

const call = (method, data) => new Promise((resolve) => Zoom.webinar[method](data, resolve));

(async () => {
  const answers = {};
  answers.register = await call("register", {
    id: webinarId, email: "node@client.test", first_name: "Node", last_name: "Client",
  });
  answers.second = await call("register", {
    id: webinarId, email: "other@client.test", first_name: "Other", last_name: "Client",
  });
  answers.pending = await call("listRegistrations", { id: webinarId, host_id: hostId, type: 0 });
  answers.approve = await call("approveRegistration", {
    id: webinarId, host_id: hostId, registrant_ids: answers.register.registrant_id,
  });
  answers.approved = await call("listRegistrations", { id: webinarId, host_id: hostId, type: 1 });
  answers.cancel = await call("cancelRegistration", {
    id: webinarId, host_id: hostId, registrant_ids: [answers.second.registrant_id],
  });
  answers.registration = await call("getRegistration", { id: webinarId, host_id: hostId });
  answers.panelists = await call("listPanelists", { id: webinarId, host_id: hostId });
  answers.unknown = await call("getRegistration", { id: "1", host_id: hostId });
  process.stdout.write(JSON.stringify(answers) + "\n");
})();
