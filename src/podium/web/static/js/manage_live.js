// The dashboard's live view: who is present, joins and leaves, poll results and questions,
// from the page's event stream (web/manage_live.py). Texts come from the page's data-*.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.EventSource) return;
  var present = document.getElementById("present");
  var count = document.getElementById("present-count");
  var activity = document.getElementById("activity");
  var questions = document.getElementById("questions");

  function item(text, attrs) {
    var li = document.createElement("li");
    li.textContent = text;
    Object.keys(attrs || {}).forEach(function (key) { li.setAttribute(key, attrs[key]); });
    return li;
  }
  function role(name) { return root.getAttribute("data-role-" + name) || name; }
  function now() { return new Date().toISOString().slice(11, 16); }

  var source = new EventSource(root.getAttribute("data-events"));
  // "joined" and "left" carry everyone of one batch: {people: [{attendance_id, name, role}]}
  source.addEventListener("joined", function (e) {
    JSON.parse(e.data).people.forEach(function (d) {
      if (d.role === "host") return;
      present.appendChild(item(d.name + " (" + role(d.role) + ")", { "data-attendance": String(d.attendance_id) }));
      activity.insertBefore(item(now() + " " + d.name + " " + activity.getAttribute("data-joined")), activity.firstChild);
    });
  });
  source.addEventListener("left", function (e) {
    JSON.parse(e.data).people.forEach(function (d) {
      if (d.role === "host") return;
      var gone = present.querySelector('[data-attendance="' + d.attendance_id + '"]');
      if (gone) gone.remove();
      activity.insertBefore(item(now() + " " + d.name + " " + activity.getAttribute("data-left")), activity.firstChild);
    });
  });
  source.addEventListener("presence", function (e) {
    count.textContent = String(JSON.parse(e.data).present);
  });
  source.addEventListener("question", function (e) {
    var d = JSON.parse(e.data);
    var li = item("", { "class": "qa-item", "data-question-id": String(d.question_id) });
    var who = document.createElement("span");
    who.className = "qa-item__who";
    who.textContent = d.name;
    var text = document.createElement("span");
    text.className = "qa-item__question";
    text.textContent = " " + d.question;
    li.appendChild(who);
    li.appendChild(text);
    questions.appendChild(li);
  });
  source.addEventListener("answer", function (e) {
    var d = JSON.parse(e.data);
    var li = questions.querySelector('[data-question-id="' + d.question_id + '"]');
    if (!li) return;
    var answer = li.querySelector(".qa-item__answer") || document.createElement("span");
    answer.className = "qa-item__answer";
    answer.textContent = " " + d.answer;
    li.appendChild(answer);
  });
  source.addEventListener("results", function (e) {
    var d = JSON.parse(e.data);
    var card = document.querySelector('[data-poll="' + d.poll_id + '"]');
    if (!card) { window.location.reload(); return; }
    Object.keys(d.results).forEach(function (question) {
      var list = card.querySelector('[data-question="' + CSS.escape(question) + '"]');
      if (!list) return;
      list.textContent = "";
      Object.keys(d.results[question]).forEach(function (answer) {
        list.appendChild(item(answer + ": " + d.results[question][answer] + " " + root.getAttribute("data-votes")));
      });
    });
  });
  source.addEventListener("poll", function () { window.location.reload(); });
  source.addEventListener("started", function () { window.location.reload(); });
  source.addEventListener("ended", function () { window.location.reload(); });
})();
