// An attendee's (or panelist's) room: status, polls, Q&A; a panelist also sees the green room.
"use strict";
import { el, t } from "./common.js";
import { connect } from "./live.js";
import { AttendeePolls } from "./polls.js";
import { QA } from "./qa.js";
import { showTimes, visitorZone } from "./times.js";

const root = document.getElementById("live");
const live = { webinar: root.dataset.webinar, pass: root.dataset.pass, role: root.dataset.role };
const statusNode = document.getElementById("status");
const waitingNote = document.getElementById("waiting-note");
const people = document.getElementById("people");
const polls = new AttendeePolls(document.getElementById("polls"), live);
const qa = new QA(document.getElementById("qa"), live, { staff: live.role === "panelist" });
let current = "connecting";
let source = null;

showTimes(visitorZone());

const TEXT = {
  connecting: () => t("Connecting…"),
  waiting: () => t("Waiting for the host to start."),
  live: () => t("Live"),
  ended: () => t("This webinar has ended."),
  reconnecting: () => t("Connection lost: reconnecting…"),
  closed: () => t("Disconnected. Reload the page to come back."),
  left: () => t("You left the webinar."),
};

function show(state) {
  statusNode.textContent = TEXT[state]();
  statusNode.dataset.state = state;
  if (waitingNote) { waitingNote.hidden = state !== "waiting"; }
}

function status(state) { current = state; show(state); }

function showPeople(list) {
  if (!people) { return; }
  people.replaceChildren(...list.map((person) => el("li", {},
    el("span", { text: person.name }),
    el("span", { class: "badge", text: person.role === "host" ? t("Host") : t("Panelist") }))));
}

function ended() {
  status("ended");
  if (source) { source.close(); }
  for (const control of root.querySelectorAll("button, textarea, input")) { control.disabled = true; }
}

source = connect(live, {
  state(state) {
    if (state.status === "ended") { ended(); return; }
    status(state.status);
    polls.reset(state.polls);
    qa.reset(state.questions);
    if (state.people) { showPeople(state.people); }
  },
  started: () => status("live"),
  ended,
  green_room: (data) => showPeople(data.people),
  poll: (poll) => polls.launched(poll),
  poll_closed: (data) => polls.closed(data.poll_id),
  results: (data) => polls.results(data),
  question: (data) => qa.question(data),
  answer: (data) => qa.answer(data),
  upvotes: (data) => qa.upvotes(data),
  dismissed: (data) => qa.dismissed(data),
  starred: (data) => qa.starred(data),
}, (connection) => {
  if (current === "ended" || current === "left") { return; }
  if (connection === "open") { show(current); } else { show(connection); }
});

document.getElementById("leave").addEventListener("click", () => {
  source.close();
  status("left");
  for (const control of root.querySelectorAll("button, textarea, input")) { control.disabled = true; }
});
