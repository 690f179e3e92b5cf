// Zoom's own webhook receiver (@zoom/rivet 0.4.0, MeetingsS2SAuthClient's HttpReceiver) on
// 127.0.0.1, at its default path /zoom/events, checking Podium's signatures itself.
//
//   WEBHOOK_SECRET=… node webhook_receiver.js
//
// Prints one JSON object per line: {"port": N} once listening, then {"event", "body"} for
// each event Rivet verified and handed to its handlers. Stops when stdin closes.
"use strict";
const { MeetingsS2SAuthClient, HttpReceiver } = require("@zoom/rivet/meetings");

const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");

// HttpReceiver listens on every interface; keep its request handling, on loopback only.
class LoopbackReceiver extends HttpReceiver {
  getServerCreator() {
    const create = super.getServerCreator();
    return (options, handler) => {
      const server = create(options, handler);
      const listen = server.listen.bind(server);
      server.listen = (port, callback) => listen(port, "127.0.0.1", callback);
      return server;
    };
  }
}

const EVENTS = [
  "webinar.created", "webinar.updated", "webinar.deleted", "webinar.started", "webinar.ended",
  "webinar.registration_created", "webinar.registration_approved",
  "webinar.registration_denied", "webinar.registration_cancelled",
  "webinar.participant_joined", "webinar.participant_left",
];

async function main() {
  const client = new MeetingsS2SAuthClient({
    clientId: "unused",
    clientSecret: "unused",
    accountId: "unused",
    receiver: new LoopbackReceiver({ port: 0, webhooksSecretToken: process.env.WEBHOOK_SECRET }),
  });
  for (const name of EVENTS) {
    client.webEventConsumer.event(name, (body) => print({ event: body.event, body }));
  }
  const server = await client.start();
  print({ port: server.address().port, address: server.address().address });
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}

main().catch((error) => {
  print({ fatal: String((error && error.stack) || error) });
  process.exit(1);
});
