// The host's console: the green room (nothing starts until "Go live"), the live stage,
// the end (with the reports and an explicit new session), polls and Q&A.
"use strict";
import { act, confirmDialog, el, showError, t } from "./common.js";
import { connect } from "./live.js";
import { HostPolls } from "./polls.js";
import { QA } from "./qa.js";
import { showTimes, visitorZone } from "./times.js";

const root = document.getElementById("live");
const live = { webinar: root.dataset.webinar, pass: root.dataset.pass, role: "host" };
const statusNode = document.getElementById("status");
const stage = document.getElementById("stage");
const stageError = document.getElementById("stage-error");
const people = document.getElementById("people");
const present = document.getElementById("present");
const polls = new HostPolls(document.getElementById("polls"), live);
polls.setLive(false);
const qa = new QA(document.getElementById("qa"), live, { staff: true });
let current = "connecting";

showTimes(visitorZone());

const TEXT = {
  connecting: () => t("Connecting…"),
  waiting: () => t("Green room: not live yet"),
  live: () => t("Live"),
  ended: () => t("This webinar has ended."),
  reconnecting: () => t("Connection lost: reconnecting…"),
  closed: () => t("Disconnected. Reload the page to come back."),
};

function show(state) {
  statusNode.textContent = TEXT[state]();
  statusNode.dataset.state = state;
}

function status(state) {
  current = state;
  show(state);
  stage.dataset.state = state;
  polls.setLive(state === "live");
  for (const part of ["waiting", "live", "ended"]) {
    document.getElementById(`stage-${part}`).hidden = part !== state;
  }
}

function showPeople(list) {
  people.replaceChildren(...list.map((person) => el("li", {},
    el("span", { text: person.name }),
    el("span", { class: "badge", text: person.role === "host" ? t("Host") : t("Panelist") }))));
}

/** "start" with the confirmations the server asks for (early, or again after the end). */
async function goLive(flags = {}) {
  try {
    await act(live, "start", flags);
    showError(stageError, null);
    status("live");
  } catch (failure) {
    if (failure.confirm === "early" && await confirmDialog({
      title: t("Go live before the scheduled time?"),
      text: t("It is scheduled to start later. Attendees waiting join as soon as you go live."),
      confirm: t("Go live now"),
    })) {
      await goLive({ ...flags, early: true });
    } else if (failure.confirm !== "early") {
      showError(stageError, failure);
    }
  }
}

document.getElementById("go-live").addEventListener("click", () => goLive());
document.getElementById("start-again").addEventListener("click", async () => {
  if (await confirmDialog({
    title: t("Start a new session?"),
    text: t("A new session starts now: attendees can join again; reports show it as the latest."),
    confirm: t("Start a new session"),
  })) {
    await goLive({ again: true });
  }
});
document.getElementById("end").addEventListener("click", async () => {
  if (!await confirmDialog({
    title: t("End the webinar for everyone?"),
    text: t("Everyone leaves, and the reports are made. This cannot be undone."),
    confirm: t("End webinar"),
    danger: true,
  })) { return; }
  try {
    await act(live, "end");
    status("ended");
  } catch (failure) {
    showError(document.getElementById("end-error"), failure);
  }
});

connect(live, {
  state(state) {
    status(state.status);
    present.textContent = state.present ?? 0;
    showPeople(state.people || []);
    polls.reset(state.polls);
    qa.reset(state.questions);
  },
  started: () => status("live"),
  ended: () => status("ended"),
  presence: (data) => { present.textContent = data.present; },
  green_room: (data) => showPeople(data.people),
  poll: (poll) => polls.launched(poll),
  poll_closed: (data) => polls.closed(data.poll_id),
  results: (data) => polls.results(data),
  question: (data) => qa.question(data),
  answer: (data) => qa.answer(data),
  upvotes: (data) => qa.upvotes(data),
  dismissed: (data) => qa.dismissed(data),
  starred: (data) => qa.starred(data),
}, (connection) => { if (connection === "open") { show(current); } else { show(connection); } });
