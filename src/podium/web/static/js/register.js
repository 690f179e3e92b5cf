// The registration page: the visitor's time zone, detected and searchable, without a reload.
"use strict";
import { t } from "./common.js";
import { isZone, showTimes, visitorZone } from "./times.js";

const form = document.querySelector("[data-zone-form]");
if (form) {
  const input = form.querySelector("#tz");
  const hint = form.querySelector("[data-zone-hint]");
  const kept = document.querySelector("[data-zone-value]");
  const labels = new Map([...document.querySelectorAll("#zones option")].map((o) => [o.value, o.textContent]));
  form.querySelectorAll("[data-no-script]").forEach((node) => { node.hidden = true; });
  form.classList.add("zone-picker--live");

  const apply = (zone, detected) => {
    if (!labels.has(zone) && !isZone(zone)) { return false; }
    const label = (labels.get(zone) || zone).replace(/ \(UTC[^)]*\)$/, "");
    showTimes(zone, label);
    input.value = zone;
    input.removeAttribute("aria-invalid");
    if (kept) { kept.value = zone; }
    hint.textContent = detected
      ? t("Times are shown in your time zone, %(zone)s. Type a city or a country to change it.", { zone: label })
      : t("Times are shown in %(zone)s.", { zone: label });
    return true;
  };
  const chosen = () => {
    const value = input.value.trim();
    if (!apply(value, false) && value) {
      input.setAttribute("aria-invalid", "true");
      hint.textContent = t("Pick a time zone from the list: type a city or a country.");
    }
  };
  input.addEventListener("input", () => { if (labels.has(input.value.trim())) { chosen(); } });
  input.addEventListener("change", chosen);
  form.addEventListener("submit", (event) => { event.preventDefault(); chosen(); });
  if (!new URLSearchParams(window.location.search).has("tz")) { apply(visitorZone(), true); }
}
