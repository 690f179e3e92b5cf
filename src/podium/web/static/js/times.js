// Dates and times in the visitor's own time zone (the server wrote them in the webinar's).
"use strict";

const lang = document.documentElement.lang || "en";

export function isZone(zone) {
  if (!zone) { return false; }
  try { new Intl.DateTimeFormat("en", { timeZone: zone }); return true; } catch { return false; }
}

export function visitorZone() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch { return "UTC"; }
}

/** Every [data-when] (data-start, data-end: ISO instants) shown in `zone`, labelled `label`. */
export function showTimes(zone, label) {
  const day = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeZone: zone });
  const time = new Intl.DateTimeFormat(lang, { timeStyle: "short", timeZone: zone });
  for (const node of document.querySelectorAll("[data-when]")) {
    const start = new Date(node.dataset.start);
    const end = new Date(node.dataset.end);
    const date = node.querySelector("[data-part=date]");
    const times = node.querySelector("[data-part=time]");
    const where = node.querySelector("[data-part=zone]");
    if (date) { date.textContent = day.format(start); }
    if (times) { times.textContent = `${time.format(start)} – ${time.format(end)}`; }
    if (where) { where.textContent = `(${label || zone.replaceAll("_", " ")})`; }
  }
}
