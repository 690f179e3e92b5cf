// The live webinar page: one EventSource for events, fetch() for actions (pass in a header).
"use strict";
(() => {
  const root = document.getElementById("live");
  const { webinar, pass, role } = root.dataset;
  const $ = (id) => document.getElementById(id);
  const status = (text) => { $("status").textContent = text; };
  let source = null;

  async function act(action, body) {
    const response = await fetch(`/live/${webinar}/${action}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Podium-Pass": pass },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json();
    if (!response.ok) { throw new Error(data.error); }
    return data;
  }

  function item(list, text, attributes) {
    const li = document.createElement("li");
    li.textContent = text;
    Object.entries(attributes || {}).forEach(([k, v]) => li.setAttribute(k, v));
    $(list).appendChild(li);
    return li;
  }

  function showPoll(poll) {
    $("poll").hidden = false;
    $("poll-done").hidden = true;
    $("poll-title").textContent = poll.title;
    const form = $("poll-form");
    form.replaceChildren();
    poll.questions.forEach((question, n) => {
      const fieldset = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = question.name;
      fieldset.appendChild(legend);
      question.answers.forEach((answer) => {
        const label = document.createElement("label");
        const input = document.createElement("input");
        input.type = question.type === "multiple" ? "checkbox" : "radio";
        input.name = `q${n}`;
        input.value = answer;
        label.append(input, ` ${answer}`);
        fieldset.appendChild(label);
      });
      form.appendChild(fieldset);
    });
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.textContent = "Answer";
    form.appendChild(submit);
    form.onsubmit = async (event) => {
      event.preventDefault();
      const answers = {};
      poll.questions.forEach((question, n) => {
        answers[question.name] = [...form.querySelectorAll(`input[name=q${n}]:checked`)]
          .map((input) => input.value);
      });
      await act("vote", { poll_id: poll.poll_id, answers });
      form.replaceChildren();
      $("poll-done").hidden = false;
    };
  }

  function addQuestion(question) {
    const li = item("questions", `${question.name}: ${question.question}`,
      { "data-question-id": question.question_id });
    const form = document.createElement("form");
    form.innerHTML = '<input name="answer" aria-label="Answer" required><button type="submit">Reply</button>';
    form.onsubmit = async (event) => {
      event.preventDefault();
      await act("reply", { question_id: question.question_id, answer: form.answer.value });
      form.remove();
    };
    li.appendChild(form);
  }

  function ended() {
    status("This webinar has ended.");
    if (source) { source.close(); }
    root.querySelectorAll("button, textarea, input").forEach((el) => { el.disabled = true; });
  }

  function connect() {
    source = new EventSource(`/live/${webinar}/events?pass=${encodeURIComponent(pass)}`);
    const on = (name, handler) => source.addEventListener(name, (event) => handler(JSON.parse(event.data)));
    on("state", (state) => {
      if (state.present !== undefined && $("present")) { $("present").textContent = state.present; }
      if (state.status === "live") { status("Live"); }
      else if (state.status === "ended") { ended(); }
      else { status("Waiting for the host to start."); }
    });
    on("started", () => status("Live"));
    on("ended", ended);
    // The server is stopping (a restart): the browser reconnects by itself a second later.
    on("reconnect", () => status("Reconnecting…"));
    on("poll", (poll) => { if (role !== "host") { showPoll(poll); } });
    on("question", addQuestion);
    on("answer", (reply) => {
      if (role !== "host") { item("answers", `${reply.question} — ${reply.answer}`); }
    });
    on("presence", (presence) => { $("present").textContent = presence.present; });
    on("results", (results) => {
      const target = document.querySelector(`[data-testid=results-${results.poll_id}]`);
      if (target) {
        target.textContent = Object.entries(results.results).map(([question, counts]) =>
          `${question} ${Object.entries(counts).map(([a, n]) => `${a}: ${n}`).join(", ")}`).join("\n");
      }
    });
  }

  if (role === "host") {
    $("end").onclick = async () => { await act("end"); };
    const launchable = (button) => {
      button.onclick = async () => { await act("launch", { poll_id: Number(button.dataset.pollId) }); button.textContent = "Launched"; };
    };
    document.querySelectorAll("button.launch").forEach(launchable);
    $("new-poll").onsubmit = async (event) => {
      event.preventDefault();
      const form = event.target;
      const answers = form.answers.value.split("\n").map((a) => a.trim()).filter(Boolean);
      const poll = { title: form.title.value, questions: [{ name: form.question.value, type: form.type.value, answers }] };
      const created = await act("polls", poll);
      const li = item("poll-list", "", { "data-poll-id": created.poll_id });
      li.innerHTML = `<span class="poll-title"></span> <button type="button" class="launch" data-poll-id="${created.poll_id}">Launch</button><pre class="results" data-testid="results-${created.poll_id}"></pre>`;
      li.querySelector(".poll-title").textContent = poll.title;
      launchable(li.querySelector("button"));
      form.reset();
    };
    act("start").then(() => { status("Live"); connect(); }).catch((error) => status(error.message));
  } else {
    $("ask-form").onsubmit = async (event) => {
      event.preventDefault();
      const form = event.target;
      await act("ask", { question: form.question.value });
      form.reset();
    };
    $("leave").onclick = () => { if (source) { source.close(); } status("You left the webinar."); };
    connect();
  }
})();
