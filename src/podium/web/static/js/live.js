// The live connection: one EventSource. It reconnects by itself after a drop, sending the
// id of the last event it got (Last-Event-ID): the server replays what was missed, or sends
// a fresh "state" when it cannot.
"use strict";

export const EVENTS = [
  "state", "started", "ended", "green_room", "presence", "poll", "poll_closed", "results",
  "question", "answer", "upvotes", "dismissed", "starred",
];

/** Opens the page's stream; `handlers[name](data)` for each event, `onConnection(state)`
 *  with "open", "reconnecting" or "closed". */
export function connect(live, handlers, onConnection) {
  const source = new EventSource(`/live/${live.webinar}/events?pass=${encodeURIComponent(live.pass)}`);
  for (const name of EVENTS) {
    const handler = handlers[name];
    if (handler) { source.addEventListener(name, (event) => handler(JSON.parse(event.data))); }
  }
  source.addEventListener("open", () => onConnection("open"));
  source.addEventListener("error", () => {
    onConnection(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
  });
  return source;
}
