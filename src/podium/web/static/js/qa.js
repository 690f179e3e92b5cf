// Q&A: attendees ask (their own questions listed at once, "waiting for an answer") and
// upvote others'; the host and panelists answer publicly or privately, star and dismiss.
"use strict";
import { act, announce, el, showError, t } from "./common.js";

export class QA {
  constructor(section, live, { staff }) {
    this.live = live;
    this.staff = staff;
    this.items = new Map();
    this.mine = section.querySelector("#my-questions");
    this.others = section.querySelector("#questions");
    this.myEmpty = section.querySelector("#my-empty");
    this.othersEmpty = section.querySelector("#others-empty");
    const form = section.querySelector("#ask-form");
    if (form) { this.askForm(form); }
  }

  askForm(form) {
    const text = form.querySelector("textarea");
    const error = form.querySelector("#ask-error");
    const button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const question = text.value.trim();
      if (!question) {
        showError(error, new Error(t("Type your question first.")));
        text.setAttribute("aria-invalid", "true");
        text.focus();
        return;
      }
      button.disabled = true;
      try {
        const asked = await act(this.live, "ask", { question });
        showError(error, null);
        text.removeAttribute("aria-invalid");
        text.value = "";
        this.upsert({ ...asked, upvotes: 0, answered: false, mine: true });
        announce(t("Your question was sent."), "polite");
      } catch (failure) {
        showError(error, failure);
      } finally {
        button.disabled = false;
      }
    });
  }

  reset(questions) {
    this.items.clear();
    this.mine?.replaceChildren();
    this.others.replaceChildren();
    for (const question of questions) { this.upsert(question); }
    this.empties();
  }

  question(data) { this.upsert(data); }
  answer(data) { this.upsert({ ...data, answered: true }); }
  upvotes(data) { if (this.items.has(data.question_id)) { this.upsert(data); } }
  starred(data) { if (this.items.has(data.question_id)) { this.upsert(data); } }

  dismissed(data) {
    this.items.get(data.question_id)?.node.remove();
    this.items.delete(data.question_id);
    this.empties();
  }

  empties() {
    const shown = [...this.items.values()];
    if (this.myEmpty) { this.myEmpty.hidden = shown.some((item) => item.mine && !this.staff); }
    if (this.othersEmpty) { this.othersEmpty.hidden = shown.some((item) => !item.mine || this.staff); }
  }

  upsert(data) {
    const id = data.question_id;
    const known = this.items.get(id);
    const item = { upvotes: 0, answered: false, mine: false, upvoted: false, starred: false, ...known, ...data };
    if (known?.mine) { item.mine = true; }
    if (!item.node) { item.node = this.build(item); }
    if (known?.node && !known.mine && item.mine) {
      // Its own "question" event came before the answer to "ask": built as someone else's
      // (with an upvote button), it is rebuilt as the asker's.
      const fresh = this.build(item);
      known.node.replaceWith(fresh);
      item.node = fresh;
    }
    this.items.set(id, item);
    this.fill(item);
    const list = item.mine && !this.staff ? this.mine : this.others;
    if (item.node.parentElement !== list) { list.append(item.node); }
    this.empties();
  }

  build(item) {
    const node = el("li", { class: "qa-item", "data-question-id": item.question_id },
      el("p", { class: "qa-item__who", "data-who": true }),
      el("p", { class: "qa-item__question", "data-question": true }),
      el("p", { class: "qa-item__answer", "data-answer": true, hidden: true }),
      el("p", { class: "qa-item__waiting", "data-waiting": true, "data-testid": "waiting", hidden: true, text: t("Waiting for an answer") }));
    const error = el("p", { class: "field-error", role: "alert", hidden: true });
    if (this.staff) {
      node.append(this.staffControls(item, error));
    } else if (!item.mine) {
      const upvote = el("button", { type: "button", class: "btn btn--quiet", "data-upvote": true, "aria-pressed": "false" });
      upvote.addEventListener("click", () => this.run(error, "upvote", { question_id: item.question_id }, (answer) => {
        const current = this.items.get(item.question_id);
        this.upsert({ question_id: item.question_id, upvotes: answer.upvotes, upvoted: !current.upvoted });
      }));
      node.append(el("div", { class: "actions" }, upvote));
    }
    node.append(error);
    return node;
  }

  staffControls(item, error) {
    const id = `answer-${item.question_id}`;
    const text = el("textarea", { id, name: "answer", maxlength: "2000", rows: "2" });
    const publicly = el("button", { type: "button", class: "btn btn--primary", text: t("Answer publicly") });
    const privately = el("button", { type: "button", class: "btn", text: t("Answer privately") });
    const star = el("button", { type: "button", class: "btn btn--quiet", "data-star": true, "aria-pressed": "false", text: t("Star") });
    const dismiss = el("button", { type: "button", class: "btn btn--quiet", text: t("Dismiss") });
    const answer = (isPrivate) => {
      const value = text.value.trim();
      if (!value) { showError(error, new Error(t("Type your answer first."))); text.focus(); return; }
      this.run(error, "reply", { question_id: item.question_id, answer: value, private: isPrivate }, (reply) => {
        text.value = "";
        this.upsert({ ...reply, answered: true });
      });
    };
    publicly.addEventListener("click", () => answer(false));
    privately.addEventListener("click", () => answer(true));
    star.addEventListener("click", () => {
      const starred = !this.items.get(item.question_id).starred;
      this.run(error, "star", { question_id: item.question_id, starred }, () => this.upsert({ question_id: item.question_id, starred }));
    });
    dismiss.addEventListener("click", () => this.run(error, "dismiss", { question_id: item.question_id }, () => this.dismissed(item)));
    return el("div", { class: "answer-box" },
      el("div", { class: "field" }, el("label", { for: id, text: t("Your answer") }), text),
      el("div", { class: "actions" }, publicly, privately, star, dismiss));
  }

  async run(error, action, body, then) {
    try {
      const answer = await act(this.live, action, body);
      showError(error, null);
      then(answer);
    } catch (failure) {
      showError(error, failure);
    }
  }

  fill(item) {
    const node = item.node;
    const votes = item.upvotes === 1 ? t("1 upvote") : t("%(count)s upvotes", { count: item.upvotes });
    const who = item.mine && !this.staff ? t("You asked") : item.name;
    node.querySelector("[data-who]").textContent = `${who} · ${votes}`;
    node.querySelector("[data-question]").textContent = item.question;
    const answer = node.querySelector("[data-answer]");
    const shown = typeof item.answer === "string" && item.answer !== "";
    answer.hidden = !shown;
    if (shown) {
      const label = item.private ? (this.staff ? t("Answered privately:") : t("Answer, only to you:")) : t("Answer:");
      answer.replaceChildren(el("strong", { text: label }), " ", item.answer);
    }
    node.querySelector("[data-waiting]").hidden = !(item.mine && !this.staff) || item.answered;
    node.dataset.starred = String(Boolean(item.starred));
    const star = node.querySelector("[data-star]");
    if (star) {
      star.setAttribute("aria-pressed", String(Boolean(item.starred)));
      star.textContent = item.starred ? t("Starred") : t("Star");
    }
    const upvote = node.querySelector("[data-upvote]");
    if (upvote) {  // pressed once: upvoted (aria-pressed); pressed again: taken back
      upvote.setAttribute("aria-pressed", String(Boolean(item.upvoted)));
      upvote.replaceChildren(el("span", { "aria-hidden": "true", text: "▲ " }), t("Upvote (%(count)s)", { count: item.upvotes }));
    }
  }
}
