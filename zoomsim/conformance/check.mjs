// Drives the Zoom simulator with Zoom's official Node SDK, @zoom/rivet, and
// checks that the SDK's own requests (paths, auth, query names) work and that
// the answers carry the fields the SDK's typings promise.
//
// Input (environment): ZOOMSIM_URL, the simulator base URL, and ZOOMSIM_EXPECT,
// a JSON object the Go test builds from the simulator's ground truth.
// Output: one line per check; exit status 1 when any check failed.
//
// rivet 0.4.0 lets the REST base URL be overridden (the `baseUrl` option, passed
// through to its WebEndpoints), but hard-codes the OAuth host
// (OAUTH_BASE_URL = "https://zoom.us"). An axios request interceptor therefore
// rewrites https://zoom.us/oauth/* to the simulator; rivet's S2SAuth still
// builds and sends the token request itself. Any request that would leave the
// simulator is refused.
import { createHash } from "node:crypto";
import axios from "axios";
import { UsersS2SAuthClient } from "@zoom/rivet/users";
import { MeetingsS2SAuthClient } from "@zoom/rivet/meetings";

const sim = process.env.ZOOMSIM_URL;
const expect = JSON.parse(process.env.ZOOMSIM_EXPECT ?? "{}");
if (!sim || !expect.account_id) {
  console.error("usage: ZOOMSIM_URL=http://127.0.0.1:port ZOOMSIM_EXPECT='{...}' node check.mjs");
  process.exit(2);
}

let oauthRewrites = 0;
axios.interceptors.request.use((config) => {
  if (typeof config.url === "string" && config.url.startsWith("https://zoom.us/oauth/")) {
    config.url = sim + config.url.slice("https://zoom.us".length);
    oauthRewrites++;
  }
  const full = /^https?:\/\//.test(config.url ?? "") ? config.url : (config.baseURL ?? "") + (config.url ?? "");
  if (!full.startsWith(sim)) {
    throw new Error(`refusing a request outside the simulator: ${full}`);
  }
  return config;
});

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};
const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
const isRFC3339Z = (s) => typeof s === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(s);

const options = {
  clientId: expect.client_id,
  clientSecret: expect.client_secret,
  accountId: expect.account_id,
  baseUrl: `${sim}/v2`,
  disableReceiver: true,
};
const users = new UsersS2SAuthClient(options);
const meetings = new MeetingsS2SAuthClient(options);

async function checkUsers() {
  const page1 = await users.endpoints.users.listUsers({ query: { status: "active", page_size: 2 } });
  const d = page1.data;
  check(page1.statusCode === 200, "listUsers answers 200");
  check(oauthRewrites > 0, "rivet fetched its S2S token from the simulator");
  check(typeof page1.trackingId === "string", "responses carry x-zm-trackingid");
  check(d.page_size === 2 && d.total_records === expect.user_emails.length, "listUsers page_size and total_records");
  check(typeof d.next_page_token === "string" && d.next_page_token.length > 0, "listUsers next_page_token on page 1");
  const seen = [...d.users];
  let token = d.next_page_token;
  while (token) {
    const next = await users.endpoints.users.listUsers({ query: { status: "active", page_size: 2, next_page_token: token } });
    seen.push(...next.data.users);
    token = next.data.next_page_token;
  }
  check(JSON.stringify(seen.map((u) => u.email).sort()) === JSON.stringify([...expect.user_emails].sort()), "listUsers pages cover every user once");
  for (const u of seen) {
    const ok = typeof u.id === "string" && typeof u.email === "string" && typeof u.first_name === "string" &&
      typeof u.last_name === "string" && [1, 2, 4, 99].includes(u.type) && u.status === "active" &&
      typeof u.timezone === "string" && typeof u.display_name === "string";
    check(ok, `user ${u.email} has id, email, names, numeric type, status, timezone`);
  }
  const one = await users.endpoints.users.getUser({ path: { userId: expect.host_email } });
  check(one.data.id === expect.host_id && one.data.email === expect.host_email, "getUser by email");
}

function checkFile(f, meetingUUID) {
  // Today's shape (2023–2024 payloads): every entry has id, status, file_size
  // and recording_type; TIMELINE ("timeline") and CC have no play_url.
  const common = ["meeting_id", "recording_start", "recording_end", "file_type", "file_extension", "download_url"];
  const where = `${meetingUUID} ${f.file_type}`;
  check(common.every((k) => has(f, k)) && f.meeting_id === meetingUUID && isRFC3339Z(f.recording_start), `${where}: common fields`);
  check(typeof f.id === "string" && typeof f.file_size === "number" && f.status === "completed" &&
    typeof f.recording_type === "string", `${where}: id, file_size, status, recording_type`);
  if (f.file_type === "CC" || f.file_type === "TIMELINE") {
    check(!has(f, "play_url"), `${where}: no play_url`);
  } else {
    check(typeof f.play_url === "string", `${where}: play_url`);
  }
  if (f.file_type === "TIMELINE") {
    check(f.recording_type === "timeline", `${where}: recording_type timeline`);
  }
}

async function checkRecordings() {
  const list = await meetings.endpoints.cloudRecording.listAllRecordings({
    path: { userId: expect.host_id },
    query: { from: expect.from, to: expect.to, page_size: 300 },
  });
  const d = list.data;
  check(d.from === expect.from && d.to === expect.to, "listAllRecordings echoes from/to");
  check(d.total_records === expect.meeting_count && d.meetings.length === expect.meeting_count, "listAllRecordings counts meetings");
  check(d.next_page_token === "", "listAllRecordings has an empty next_page_token on the last page");
  for (const m of d.meetings) {
    const ok = typeof m.uuid === "string" && typeof m.id === "number" && m.account_id === expect.account_id &&
      m.host_id === expect.host_id && typeof m.topic === "string" && ["number", "string"].includes(typeof m.type) &&
      isRFC3339Z(m.start_time) && typeof m.duration === "number" && typeof m.total_size === "number" &&
      m.recording_count === m.recording_files.length && typeof m.share_url === "string";
    check(ok, `meeting ${m.uuid}: uuid, id, account_id, host_id, topic, type, start_time, duration, total_size, recording_count, share_url`);
    m.recording_files.forEach((f) => checkFile(f, m.uuid));
  }
  check(d.meetings.some((m) => m.uuid === expect.odd_uuid), "the listing includes the meeting whose UUID needs double encoding");

  // Zoom asks for UUIDs that begin with "/" or contain "//" to be double-encoded.
  const rec = await meetings.endpoints.cloudRecording.getMeetingRecordings({
    path: { meetingId: encodeURIComponent(encodeURIComponent(expect.odd_uuid)) },
    query: { include_fields: "download_access_token", ttl: 3600 },
  });
  check(rec.data.uuid === expect.odd_uuid, "getMeetingRecordings finds a double-encoded UUID");
  check(typeof rec.data.download_access_token === "string" && rec.data.download_access_token.length > 0, "getMeetingRecordings returns download_access_token");
  try {
    await meetings.endpoints.cloudRecording.getMeetingRecordings({ path: { meetingId: encodeURIComponent(expect.odd_uuid) } });
    check(false, "a single-encoded odd UUID is not found");
  } catch (err) {
    check(/\[404\/3301\]/.test(String(err.message)), `a single-encoded odd UUID is not found (${err.message})`);
  }

  const mp4 = rec.data.recording_files.find((f) => f.id === expect.download_file_id);
  check(mp4 !== undefined, "the expected MP4 is listed");
  if (mp4) {
    const resp = await axios.get(mp4.download_url, {
      params: { access_token: rec.data.download_access_token },
      responseType: "arraybuffer",
    });
    const body = Buffer.from(resp.data);
    const sum = createHash("sha256").update(body).digest("hex");
    check(body.length === mp4.file_size && sum === expect.download_sha256, `download ${mp4.id}: ${body.length} bytes, sha256 matches the truth`);
  }
}

// Trash: rivet's delete endpoints answer 204; a trashed meeting moves from
// the normal listing to the trash listing; one file can go on its own.
async function checkTrash() {
  const rec = meetings.endpoints.cloudRecording;
  const list = async (query) => (await rec.listAllRecordings({
    path: { userId: expect.host_id }, query: { from: expect.from, to: expect.to, page_size: 300, ...query },
  })).data.meetings;
  const before = await list({});
  const instant = before.find((m) => m.topic === "Instant");
  const weekly = before.find((m) => m.topic === "Weekly");
  const del = await rec.deleteMeetingOrWebinarRecordings({ path: { meetingId: instant.uuid }, query: { action: "trash" } });
  check(del.statusCode === 204, `deleteMeetingOrWebinarRecordings answers 204 (${del.statusCode})`);
  const after = await list({});
  const trash = await list({ trash: true, trash_type: "meeting_recordings" });
  check(after.length === before.length - 1 && !after.some((m) => m.uuid === instant.uuid), "a trashed meeting leaves the listing");
  check(trash.length === 1 && trash[0].uuid === instant.uuid, "trash=true lists the trashed meeting");
  const file = weekly.recording_files[0];
  const one = await rec.deleteRecordingFileForMeetingOrWebinar({ path: { meetingId: weekly.uuid, recordingId: file.id }, query: { action: "trash" } });
  check(one.statusCode === 204, `deleteRecordingFileForMeetingOrWebinar answers 204 (${one.statusCode})`);
  const left = (await list({})).find((m) => m.uuid === weekly.uuid);
  check(left && left.recording_files.length === weekly.recording_files.length - 1, "the trashed file leaves its meeting's listing");
}

// A ZAK for a bot, through rivet's getUsersToken (an S2S token may mint it).
async function checkTokens() {
  const zak = await users.endpoints.users.getUsersToken({ path: { userId: expect.host_id }, query: { type: "zak" } });
  check(zak.statusCode === 200 && typeof zak.data.token === "string" && zak.data.token.length > 0, "getUsersToken type=zak returns a token");
}

async function checkBadCredentials() {
  const bad = new UsersS2SAuthClient({ ...options, clientSecret: "wrong" });
  try {
    await bad.endpoints.users.listUsers({ query: {} });
    check(false, "wrong client secret is refused");
  } catch (err) {
    check(/400/.test(String(err.message)) || /400/.test(String(err.cause?.message)), `wrong client secret is refused (${err.message})`);
  }
}

try {
  await checkUsers();
  await checkRecordings();
  await checkTrash();
  await checkTokens();
  await checkBadCredentials();
} catch (err) {
  failures.push(`unexpected error: ${err.stack ?? err}`);
  console.log(`FAIL unexpected error: ${err.stack ?? err}`);
}
console.log(failures.length === 0 ? "PASS all rivet conformance checks" : `FAILED ${failures.length} check(s)`);
process.exit(failures.length === 0 ? 0 : 1);
