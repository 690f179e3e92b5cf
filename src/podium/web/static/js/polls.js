// Polls: what attendees answer, and what the host launches, closes and shares.
"use strict";
import { act, announce, el, showError, showResults, t } from "./common.js";

/** The attendee's (and panelist's) polls: proper radio buttons or checkboxes per question,
 *  a "submitted" state, "closed", and the results once the host shares them. */
export class AttendeePolls {
  constructor(section, live) {
    this.section = section;
    this.list = section.querySelector("#poll-list");
    this.live = live;
    this.cards = new Map();
  }

  reset(polls) {
    this.list.replaceChildren();
    this.cards.clear();
    for (const poll of polls) { this.add(poll); }
    this.section.hidden = polls.length === 0;
  }

  launched(poll) {
    this.add({ ...poll, closed: false, shared: false, answers: {}, results: null });
    this.section.hidden = false;
    announce(t("New poll: %(title)s", { title: poll.title }));
  }

  closed(pollId) {
    const card = this.cards.get(pollId);
    if (card) { this.mark(card, { closed: true }); }
  }

  results(data) {
    const card = this.cards.get(data.poll_id);
    if (card && data.shared) {
      this.mark(card, { shared: true });
      showResults(card.querySelector("[data-results]"), data.results);
    }
  }

  add(poll) {
    this.cards.get(poll.poll_id)?.remove();
    const number = poll.poll_id;
    const form = el("form", { class: "poll-form", novalidate: true });
    poll.questions.forEach((question, index) => {
      const kind = question.type === "multiple" ? "checkbox" : "radio";
      const fieldset = el("fieldset", { class: "field" },
        el("legend", { text: question.name }),
        el("p", { class: "hint", text: kind === "radio" ? t("Choose one answer.") : t("Choose all that apply.") }));
      for (const answer of question.answers) {
        fieldset.append(el("label", { class: "choice" },
          el("input", { type: kind, name: `p${number}-q${index}`, value: answer }),
          el("span", { text: answer })));
      }
      form.append(fieldset);
    });
    const error = el("p", { class: "field-error", role: "alert", hidden: true });
    const submit = el("button", { type: "submit", class: "btn btn--primary", text: t("Submit answers") });
    const done = el("p", { class: "alert alert--success", "data-submitted": true, hidden: true, text: t("Thank you: your answers are in.") });
    const closedNote = el("p", { class: "muted", "data-closed-note": true, hidden: true, text: t("This poll is closed.") });
    form.append(error, el("div", { class: "actions" }, submit), done, closedNote);
    const headingId = `poll-${number}-title`;
    const card = el("article", { class: "poll-card", "data-poll-id": number, "aria-labelledby": headingId },
      el("div", { class: "poll-card__head" },
        el("h3", { id: headingId, text: poll.title }),
        el("span", { class: "badge", "data-badge": true, text: t("Open") })),
      form,
      el("div", { class: "results", "data-results": true }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answers = {};
      poll.questions.forEach((question, index) => {
        answers[question.name] = [...form.querySelectorAll(`input[name="p${number}-q${index}"]:checked`)].map((input) => input.value);
      });
      if (!Object.values(answers).some((chosen) => chosen.length)) {
        showError(error, new Error(t("Choose an answer first.")));
        return;
      }
      submit.disabled = true;
      try {
        await act(this.live, "vote", { poll_id: number, answers });
        showError(error, null);
        this.mark(card, { submitted: true });
      } catch (failure) {
        showError(error, failure);
        submit.disabled = false;
      }
    });
    this.list.prepend(card);
    this.cards.set(number, card);
    const chosen = poll.answers || {};
    poll.questions.forEach((question, index) => {
      for (const input of form.querySelectorAll(`input[name="p${number}-q${index}"]`)) {
        input.checked = (chosen[question.name] || []).includes(input.value);
      }
    });
    this.mark(card, { submitted: Object.keys(chosen).length > 0, closed: poll.closed, shared: poll.shared });
    if (poll.results) { showResults(card.querySelector("[data-results]"), poll.results); }
  }

  mark(card, { submitted, closed, shared }) {
    if (submitted) { card.dataset.submitted = "true"; }
    if (closed) { card.dataset.closed = "true"; }
    if (shared) { card.dataset.shared = "true"; }
    const isSubmitted = card.dataset.submitted === "true";
    const isClosed = card.dataset.closed === "true";
    for (const input of card.querySelectorAll("input, button")) { input.disabled = isSubmitted || isClosed; }
    card.querySelector("[data-submitted]").hidden = !isSubmitted;
    card.querySelector("[data-closed-note]").hidden = !isClosed || isSubmitted;
    const submit = card.querySelector("button[type=submit]");
    if (isSubmitted) { submit.textContent = t("Submitted"); }
    const badge = card.querySelector("[data-badge]");
    badge.textContent = card.dataset.shared ? t("Results") : isClosed ? t("Closed") : isSubmitted ? t("Submitted") : t("Open");
  }
}

/** The host's polls: launch, close, share results; results as bars; a new poll with one
 *  or several questions. */
export class HostPolls {
  constructor(section, live) {
    this.section = section;
    this.live = live;
    this.list = section.querySelector("#poll-list");
    this.list.addEventListener("click", (event) => this.clicked(event));
    this.builder = new PollBuilder(section.querySelector("#new-poll"), live, (poll) => this.created(poll));
  }

  item(pollId) { return this.list.querySelector(`[data-poll-id="${pollId}"]`); }

  /** Polls are launched, closed and shared while the webinar is live only. */
  setLive(isLive) {
    this.isLive = isLive;
    for (const button of this.list.querySelectorAll("button[data-act]")) { button.disabled = !isLive; }
    this.section.querySelector("#polls-not-live").hidden = isLive;
  }

  reset(polls) {
    for (const item of this.list.querySelectorAll("[data-poll-id]")) { this.mark(item, {}); }
    for (const poll of polls) {
      const item = this.item(poll.poll_id);
      if (item) {
        this.mark(item, { launched: true, closed: poll.closed, shared: poll.shared });
        if (poll.results) { showResults(item.querySelector("[data-results]"), poll.results); }
      }
    }
  }

  launched(poll) { const item = this.item(poll.poll_id); if (item) { this.mark(item, { launched: true }); } }
  closed(pollId) { const item = this.item(pollId); if (item) { this.mark(item, { ...this.state(item), closed: true }); } }

  results(data) {
    const item = this.item(data.poll_id);
    if (item) {
      if (data.shared) { this.mark(item, { ...this.state(item), shared: true }); }
      showResults(item.querySelector("[data-results]"), data.results);
    }
  }

  state(item) {
    return { launched: item.dataset.launched === "true", closed: item.dataset.closed === "true", shared: item.dataset.shared === "true" };
  }

  mark(item, { launched = false, closed = false, shared = false }) {
    item.dataset.launched = String(launched);
    item.dataset.closed = String(closed);
    item.dataset.shared = String(shared);
    item.querySelector("[data-act=launch]").textContent = launched ? t("Launch again") : t("Launch");
    item.querySelector("[data-act=close]").hidden = !launched || closed;
    item.querySelector("[data-act=share]").hidden = !launched || shared;
    const badge = item.querySelector("[data-badge]");
    badge.textContent = !launched ? t("Not launched") : shared ? t("Results shared") : closed ? t("Closed") : t("Open");
    if (!launched) { item.querySelector("[data-results]").replaceChildren(); }
  }

  async clicked(event) {
    const button = event.target.closest("button[data-act]");
    if (!button) { return; }
    const item = button.closest("[data-poll-id]");
    const error = item.querySelector("[data-error]");
    button.disabled = true;
    try {
      await act(this.live, button.dataset.act, { poll_id: Number(item.dataset.pollId) });
      showError(error, null);
      const now = this.state(item);
      if (button.dataset.act === "launch") { this.mark(item, { launched: true }); }
      if (button.dataset.act === "close") { this.mark(item, { ...now, closed: true }); }
      if (button.dataset.act === "share") { this.mark(item, { ...now, shared: true }); }
    } catch (failure) {
      showError(error, failure);
    } finally {
      button.disabled = !this.isLive;
    }
  }

  created(poll) {
    const template = document.getElementById("poll-item-template");
    const item = template.content.firstElementChild.cloneNode(true);
    item.dataset.pollId = poll.poll_id;
    item.querySelector("[data-title]").textContent = poll.title;
    item.querySelector("[data-count]").textContent = poll.questions.length === 1
      ? t("1 question") : t("%(count)s questions", { count: poll.questions.length });
    item.querySelector("[data-results]").dataset.testid = `results-${poll.poll_id}`;
    this.list.append(item);
    this.mark(item, {});
    for (const button of item.querySelectorAll("button[data-act]")) { button.disabled = !this.isLive; }
    document.getElementById("polls-empty").hidden = true;
  }
}

/** The host's form for a new poll: a title and one or several questions. */
class PollBuilder {
  constructor(form, live, created) {
    this.form = form;
    this.live = live;
    this.created = created;
    this.questions = form.querySelector("#question-builders");
    this.count = this.questions.children.length;
    this.error = form.querySelector("[data-error]");
    form.querySelector("#add-question").addEventListener("click", () => this.add());
    this.questions.addEventListener("click", (event) => {
      const remove = event.target.closest("[data-remove]");
      if (remove && this.questions.children.length > 1) { remove.closest("fieldset").remove(); this.renumber(); }
    });
    form.addEventListener("submit", (event) => { event.preventDefault(); this.submit(); });
  }

  add() {
    const template = document.getElementById("question-template");
    const builder = template.content.firstElementChild.cloneNode(true);
    this.count += 1;
    for (const node of builder.querySelectorAll("[id]")) { node.id = node.id.replace("-N", `-${this.count}`); }
    for (const node of builder.querySelectorAll("[for]")) { node.htmlFor = node.htmlFor.replace("-N", `-${this.count}`); }
    for (const node of builder.querySelectorAll("[aria-describedby]")) {
      node.setAttribute("aria-describedby", node.getAttribute("aria-describedby").replace("-N", `-${this.count}`));
    }
    for (const node of builder.querySelectorAll("input[type=radio]")) { node.name = `type-${this.count}`; }
    this.questions.append(builder);
    this.renumber();
    builder.querySelector("input[type=text]").focus();
  }

  renumber() {
    [...this.questions.children].forEach((builder, index) => {
      builder.querySelector("[data-number]").textContent = String(index + 1);
      builder.querySelector("[data-remove]").hidden = this.questions.children.length === 1;
    });
  }

  async submit() {
    const poll = {
      title: this.form.querySelector("#poll-title").value.trim(),
      questions: [...this.questions.children].map((builder) => ({
        name: builder.querySelector("input[type=text]").value.trim(),
        type: builder.querySelector("input[type=radio]:checked").value,
        answers: builder.querySelector("textarea").value.split("\n").map((a) => a.trim()).filter(Boolean),
      })),
    };
    try {
      const made = await act(this.live, "polls", poll);
      showError(this.error, null);
      this.created({ ...poll, poll_id: made.poll_id });
      this.form.reset();
      while (this.questions.children.length > 1) { this.questions.lastElementChild.remove(); }
      this.renumber();
      announce(t("Poll created: %(title)s", { title: poll.title }));
    } catch (failure) {
      showError(this.error, failure);
    }
  }
}
