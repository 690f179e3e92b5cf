// Shared by the pages' scripts: translated strings, element building, the live actions.
"use strict";

const source = document.getElementById("podium-strings");
const strings = source ? JSON.parse(source.textContent) : {};

/** The page's translation of `key`, with %(name)s filled in from `values`. */
export function t(key, values = {}) {
  let text = strings[key] ?? key;
  for (const [name, value] of Object.entries(values)) {
    text = text.replaceAll(`%(${name})s`, String(value));
  }
  return text;
}

/** An element with attributes and children (strings become text: never HTML). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) { continue; }
    if (name === "text") { node.textContent = value; } else { node.setAttribute(name, value === true ? "" : value); }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) { node.append(child); }
  }
  return node;
}

/** An SVG bar `share` percent long (an attribute: the page's policy allows no inline style). */
export function bar(share) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "bar");
  svg.setAttribute("viewBox", "0 0 100 4");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const [name, width] of [["bar__track", 100], ["bar__fill", share]]) {
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("class", name);
    rect.setAttribute("width", String(width));
    rect.setAttribute("height", "4");
    svg.append(rect);
  }
  return svg;
}

/** Poll results as bars with counts and percentages, into `container`. */
export function showResults(container, results) {
  container.replaceChildren();
  for (const [question, counts] of Object.entries(results)) {
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    container.append(el("p", { class: "results__question", text: question }));
    for (const [answer, count] of Object.entries(counts)) {
      const share = total ? Math.round((100 * count) / total) : 0;
      const votes = count === 1 ? t("1 vote") : t("%(count)s votes", { count });
      container.append(el("div", { class: "result", "data-answer": answer },
        el("div", { class: "result__label" },
          el("span", { text: answer }),
          " ",
          el("span", { class: "result__count", text: `${votes} · ${share}%` })),
        bar(share)));
    }
  }
}

/** Says `text` to screen readers (the page's polite or assertive live region). */
export function announce(text, region = "announcer") {
  const target = document.getElementById(region);
  if (target) {
    target.textContent = "";
    window.setTimeout(() => { target.textContent = text; }, 50);
  }
}

/** A live action: POST /live/<webinar>/<action> with the pass in a header. */
export async function act(live, action, body = {}) {
  const response = await fetch(`/live/${live.webinar}/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Podium-Pass": live.pass },
    body: JSON.stringify(body),
  });
  let data = {};
  try { data = await response.json(); } catch { data = { error: t("The server did not answer. Try again.") }; }
  if (!response.ok) {
    const error = new Error(data.error || t("The server did not answer. Try again."));
    error.confirm = data.confirm;
    throw error;
  }
  return data;
}

/** Shows an action's failure in `target` (a role="alert" element), or clears it. */
export function showError(target, error) {
  if (!target) { return; }
  target.textContent = error ? error.message : "";
  target.hidden = !error;
}

/** Asks for a confirmation in the page's <dialog id="confirm">: resolves true or false. */
export function confirmDialog({ title, text, confirm, danger = false }) {
  const dialog = document.getElementById("confirm");
  dialog.querySelector("[data-title]").textContent = title;
  dialog.querySelector("[data-text]").textContent = text;
  const yes = dialog.querySelector("[data-yes]");
  const no = dialog.querySelector("[data-no]");
  yes.textContent = confirm;
  yes.className = `btn ${danger ? "btn--danger" : "btn--primary"}`;
  return new Promise((resolve) => {
    const done = (answer) => {
      yes.onclick = null; no.onclick = null; dialog.onclose = null;
      if (dialog.open) { dialog.close(); }
      resolve(answer);
    };
    yes.onclick = () => done(true);
    no.onclick = () => done(false);
    dialog.onclose = () => done(false);
    dialog.showModal();
    no.focus();
  });
}
