// Zoom's own Node SDK, @zoom/rivet, tells a whole webinar story against Podium's /v2
// (driven by tests/e2e/test_v2_rivet.py). Rivet's token URL is fixed (https://zoom.us), so it
// gets a token store holding a token from Podium's POST /oauth/token; every request that is
// not to loopback is refused (fail closed). Prints one JSON object: each step's status and
// data, or the ApiResponseError message.
//
//   ROOT=http://127.0.0.1:PORT TOKEN=... node v2_story.js story|expired
"use strict";
const axios = require("axios"); // the instance Rivet's CommonJS build uses
const { MeetingsS2SAuthClient, ApiResponseError } = require("@zoom/rivet/meetings");

const { ROOT, TOKEN } = process.env;
axios.interceptors.request.use((config) => {
  const target = new URL(config.url, config.baseURL);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) {
    throw new Error(`refusing non-loopback request to ${target.href}`);
  }
  return config;
});

class PodiumTokenStore {
  // Rivet fetches a token only when fewer than 60 s remain: say a day, Podium decides.
  getLatestToken() {
    const expires = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    return { accessToken: TOKEN, expirationTimeIso: expires, scopes: [] };
  }
  storeToken() {}
}

const client = new MeetingsS2SAuthClient({
  clientId: "unused",
  clientSecret: "unused",
  accountId: "unused",
  tokenStore: new PodiumTokenStore(),
  baseUrl: `${ROOT}/v2`,
  disableReceiver: true,
});
const webinars = client.endpoints.webinars;
const reports = client.endpoints.reports;
const steps = {};

async function keep(name, call) {
  try {
    const { statusCode, data } = await call;
    steps[name] = { status: statusCode, data };
    return data;
  } catch (error) {
    steps[name] = { error: error instanceof ApiResponseError ? "ApiResponseError" : error.name, message: error.message };
    return undefined;
  }
}

async function story() {
  const created = await keep("create", webinars.createWebinar({
    path: { userId: "me" },
    body: {
      topic: "Rivet v2 story", type: 9, start_time: "2030-04-01T10:00:00Z", duration: 45,
      timezone: "America/New_York", recurrence: { type: 1, repeat_interval: 7, end_times: 2 },
      settings: { approval_type: 1, registration_type: 1 },
    },
  }));
  const webinarId = created.id;
  const path = { webinarId };
  await keep("get", webinars.getWebinar({ path: { webinarId: String(webinarId) } }));
  await keep("update", webinars.updateWebinar({ path, body: { agenda: "Ünïcode agenda" } }));
  await keep("questions", webinars.updateRegistrationQuestions({
    path, body: { questions: [{ field_name: "org", required: true }], custom_questions: [] },
  }));
  await keep("read_questions", webinars.listRegistrationQuestions({ path }));
  for (const name of ["ann", "bob", "cat"]) {
    await keep(`register_${name}`, webinars.addWebinarRegistrant({
      path, body: { email: `${name}@rivet.test`, first_name: name, last_name: "Rivet", org: "Zoom" },
    }));
  }
  await keep("approve", webinars.updateRegistrantsStatus({
    path, body: { action: "approve", registrants: [{ email: "ann@rivet.test" }, { email: "bob@rivet.test" }] },
  }));
  await keep("deny", webinars.updateRegistrantsStatus({
    path, body: { action: "deny", registrants: [{ email: "cat@rivet.test" }] },
  }));
  await keep("approved", webinars.listWebinarRegistrants({ path, query: { status: "approved" } }));
  await keep("denied", webinars.listWebinarRegistrants({ path, query: { status: "denied" } }));
  await keep("add_panelists", webinars.addPanelists({
    path, body: { panelists: [{ name: "Pat", email: "pat@rivet.test" }] },
  }));
  const panelists = await keep("panelists", webinars.listPanelists({ path }));
  await keep("poll", webinars.createWebinarsPoll({
    path, body: { title: "Pulse", questions: [{ name: "Useful?", type: "single", answers: ["Yes", "No"] }] },
  }));
  const single = await keep("create_single", webinars.createWebinar({
    path: { userId: "me" },
    body: { topic: "Batch", start_time: "2030-05-01T10:00:00Z", settings: { approval_type: 1 } },
  }));
  await keep("batch", webinars.performBatchRegistration({
    path: { webinarId: String(single.id) },
    body: { auto_approve: false, registrants: [{ email: "eve@rivet.test", first_name: "Eve" }] },
  }));
  const simulated = await axios.post(`${ROOT}/podium/api/webinars/${webinarId}/simulate`, { seed: 9, walk_ins: 1 });
  steps.simulate = { status: simulated.status, data: simulated.data };
  await keep("end", webinars.updateWebinarStatus({ path, body: { action: "end" } }));
  const instances = await keep("instances", webinars.listPastWebinarInstances({ path }));
  const uuid = encodeURIComponent(encodeURIComponent(instances.webinars[0].uuid)); // Zoom's rule
  const byUuid = { webinarId: uuid };
  await keep("participants", webinars.listWebinarParticipants({ path: byUuid, query: { page_size: 300 } }));
  await keep("absentees", webinars.getWebinarAbsentees({ path: byUuid }));
  await keep("past_polls", webinars.listPastWebinarPollResults({ path: byUuid }));
  await keep("past_qa", webinars.listQAsOfPastWebinar({ path: byUuid }));
  await keep("report", reports.getWebinarDetailReports({ path }));
  await keep("report_participants", reports.getWebinarParticipantReports({
    path, query: { page_size: 300, include_fields: "registrant_id" },
  }));
  await keep("report_polls", reports.getWebinarPollReports({ path }));
  await keep("report_qa", reports.getWebinarQAReport({ path }));
  await keep("remove_panelist", webinars.removePanelist({ path: { webinarId, panelistId: panelists.panelists[0].id } }));
  await keep("missing", webinars.getWebinar({ path: { webinarId: "1" } }));
}

async function expired() {
  await keep("expired", webinars.listWebinars({ path: { userId: "me" } }));
}

(process.argv[2] === "expired" ? expired() : story())
  .then(() => process.stdout.write(JSON.stringify(steps) + "\n"))
  .catch((error) => {
    process.stdout.write(JSON.stringify({ fatal: String((error && error.stack) || error), steps }) + "\n");
    process.exit(1);
  });
