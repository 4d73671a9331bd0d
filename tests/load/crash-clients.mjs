// Clients of tests/load/crash-during-submissions.sh, using only Node's own fetch.
//
//   node crash-clients.mjs submit URL COUNT CLIENTS PHOTO OUT [PREFIX]
//     CLIENTS browsers without JavaScript submit COUNT stories in all through the plain form
//     (every other one with PHOTO): each opens GET /submit (its `submitter` cookie and the
//     form's idempotency key), then POSTs the multipart form with the browser's Origin. While
//     the server or the database is down (connection refused or reset, 5xx) it sends the same
//     form again with the same key and cookie, as a person pressing "submit" again would, for
//     RETRY_SECS (default 60) at most. One JSON line per story goes to OUT, appended as it
//     ends: {title, photo, status, location, tries, error, seen: [every answer]}.
//
//     With FORWARDED_FOR set, every request also carries `X-Forwarded-For: FORWARDED_FOR`, as
//     a client forging its address would (tests/deploy/nginx.sh).
//
//   node crash-clients.mjs verify URL IN
//     Opens every tracking link acknowledged with 303 in IN and checks that it answers 200
//     with the story's own title; prints one line per problem and the count of those verified.
import { appendFileSync, readFileSync } from "node:fs";

const [mode, ...args] = process.argv.slice(2);
const retrySecs = Number(process.env.RETRY_SECS || 60);
const forged = process.env.FORWARDED_FOR ? { "x-forwarded-for": process.env.FORWARDED_FOR } : {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Every story must differ (the idempotency fingerprint, and titles identify stories in SQL).
function storyFields(title, withPhoto) {
  return [
    ["title", title],
    ["story", `十年前这里还是一排旧仓库，夜里只有几盏昏黄的路灯。如今改成了江边步道和社区图书馆，傍晚散步的人很多。（${title}）`],
    ["place", "江边码头"],
    ["year_then", "2014"],
    ["year_now", "2024"],
    ["themes", "community"],
    ["themes", "transport"],
    ["photo_then", withPhoto],
    ["photo_then_alt", withPhoto ? "江边的旧仓库" : ""],
    ["photo_then_year", ""],
    ["photo_then_caption", ""],
    ["photo_then_credit", ""],
    ["photo_now", null],
    ["photo_now_alt", ""],
    ["photo_now_year", ""],
    ["photo_now_caption", ""],
    ["photo_now_credit", ""],
    ["narrator_name", ""],
    ["role", ""],
    ["real_name", ""],
    ["contact", ""],
    ["assisted_by", ""],
    ["consent_publish", "on"],
    ["consent_show_name", "on"],
    ["licence", "cc-by-4.0"],
    ["website", ""],
  ];
}

// What a browser sends for this form: empty file inputs as empty parts without a file name.
function formData(fields, key, photo) {
  const form = new FormData();
  for (const [name, value] of fields) {
    if (name === "photo_then" || name === "photo_now") {
      if (value) form.append(name, new Blob([photo], { type: "image/jpeg" }), "photo.jpg");
      else form.append(name, new Blob([], { type: "application/octet-stream" }), "");
    } else {
      form.append(name, value);
    }
  }
  form.append("idempotency_key", key);
  return form;
}

function transient(status) {
  return status >= 500;
}

// GET /submit as a browser: the submitter cookie and the form's idempotency key.
async function openForm(url, deadline) {
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    let lastError;
    try {
      const res = await fetch(`${url}/submit`, { headers: forged, signal: AbortSignal.timeout(30000) });
      const html = await res.text();
      const key = /name="idempotency_key"[^>]*value="([^"]+)"/.exec(html)?.[1];
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("submitter="));
      if (res.status === 200 && key && cookie) return { key, cookie: cookie.split(";")[0] };
      lastError = `GET /submit ${res.status}`;
    } catch (error) {
      lastError = `GET /submit: ${error.cause?.code || error.name}`;
    }
    if (Date.now() + wait > deadline) throw new Error(lastError);
    await sleep(wait);
  }
}

async function submitOne(url, title, withPhoto, photo) {
  const deadline = Date.now() + retrySecs * 1000;
  // `seen`: every answer of every try (status or error code), the final one included.
  const record = { title, photo: withPhoto, status: 0, location: null, tries: 0, error: null, seen: [] };
  let form;
  try {
    form = await openForm(url, deadline);
  } catch (error) {
    record.error = error.message;
    record.seen.push(error.message);
    return record;
  }
  const fields = storyFields(title, withPhoto);
  for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
    record.tries += 1;
    try {
      const res = await fetch(`${url}/submit`, {
        method: "POST",
        body: formData(fields, form.key, photo),
        redirect: "manual",
        headers: { ...forged, origin: url, cookie: form.cookie, "sec-fetch-site": "same-origin" },
        signal: AbortSignal.timeout(60000),
      });
      await res.arrayBuffer();
      record.status = res.status;
      record.location = res.headers.get("location");
      record.error = null;
      record.seen.push(String(res.status));
      if (!transient(res.status)) return record;
    } catch (error) {
      record.status = 0;
      record.error = error.cause?.code || error.name;
      record.seen.push(record.error);
    }
    if (Date.now() + wait > deadline) return record;
    await sleep(wait);
  }
}

async function submit([url, count, clients, photoPath, out, prefix = "崩溃测试"]) {
  const photo = readFileSync(photoPath);
  const total = Number(count);
  const run = Date.now().toString(36);
  let next = 0;
  const client = async (c) => {
    while (next < total) {
      const n = next++;
      const withPhoto = n % 2 === 0;
      const title = `${prefix} ${run}-${c}-${n} ${withPhoto ? "有照片" : "无照片"}`;
      const record = await submitOne(url, title, withPhoto, photo);
      appendFileSync(out, JSON.stringify(record) + "\n");
    }
  };
  await Promise.all(Array.from({ length: Number(clients) }, (_, c) => client(c)));
}

function htmlEscape(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

async function verify([url, input]) {
  const records = readFileSync(input, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const acknowledged = records.filter((r) => r.status === 303);
  const owners = new Map();
  let verified = 0;
  let next = 0;
  const problem = (text) => console.log(`PROBLEM ${text}`);
  const check = async () => {
    while (next < acknowledged.length) {
      const r = acknowledged[next++];
      if (!r.location || !/^\/track\/[A-Za-z0-9_-]{43}$/.test(r.location)) {
        problem(`${r.title}: 303 without a tracking link (${r.location})`);
        continue;
      }
      if (owners.has(r.location)) {
        problem(`${r.title}: same tracking link as ${owners.get(r.location)}`);
        continue;
      }
      owners.set(r.location, r.title);
      try {
        const res = await fetch(`${url}${r.location}`, { signal: AbortSignal.timeout(30000) });
        const html = await res.text();
        if (res.status !== 200) problem(`${r.title}: ${r.location} answered ${res.status}`);
        else if (!html.includes(htmlEscape(r.title))) problem(`${r.title}: its tracking page shows another title`);
        else verified += 1;
      } catch (error) {
        problem(`${r.title}: ${error.cause?.code || error.name}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, check));
  console.log(`verified ${verified}`);
}

if (mode === "submit") await submit(args);
else if (mode === "verify") await verify(args);
else {
  console.error("usage: crash-clients.mjs submit URL COUNT CLIENTS PHOTO OUT [PREFIX] | verify URL IN");
  process.exit(2);
}
