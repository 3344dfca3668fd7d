// matrix-js-sdk helpers: a fetch that remembers every failed request, user provisioning
// through the admin API, clients that log in and sync like an app, and event waits.
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import * as sdk from 'matrix-js-sdk';

const VERBOSE = Boolean(process.env.BOLLWERK_IT_VERBOSE);

// Parts of js-sdk log through the console directly (module loggers made at import time), at
// debug level, a line per event. Keep warnings and errors; the rest with BOLLWERK_IT_VERBOSE=1.
if (!VERBOSE) {
  for (const level of ['log', 'info', 'debug', 'trace']) console[level] = () => {};
}

// ---------------------------------------------------------------- HTTP recording

/** Every request that ended in a status >= 400 or a network error, in order. */
const httpFailures = [];

function redact(url) {
  const u = new URL(url);
  u.searchParams.delete('access_token');
  return u.pathname + (u.search ? u.search : '');
}

/** A fetch for matrix-js-sdk (and for our raw requests) that records failures. */
export async function recordingFetch(input, init = {}) {
  const url = typeof input === 'string' ? input : input.url ?? String(input);
  const method = (init.method || (typeof input === 'object' && input.method) || 'GET').toUpperCase();
  let res;
  const t0 = Date.now();
  try {
    res = await fetch(input, init);
  } catch (e) {
    if (e.name !== 'AbortError') {
      httpFailures.push({ at: Date.now(), method, path: redact(url), status: 'network error', body: String(e.cause?.code || e.message) });
    }
    throw e;
  }
  if (res.status >= 400) {
    let body = '';
    try { body = (await res.clone().text()).slice(0, 400); } catch { /* unreadable */ }
    httpFailures.push({ at: Date.now(), method, path: redact(url), status: res.status, body });
  }
  if (VERBOSE) process.stderr.write(`[http] ${new Date().toISOString().slice(14, 23)} ${method} ${redact(url)} -> ${res.status} in ${Date.now() - t0} ms\n`);
  return res;
}

/** The failed requests recorded since `mark` (an index), deduplicated, as text lines. */
function describeFailuresSince(mark) {
  const seen = new Map();
  for (const f of httpFailures.slice(mark)) {
    const key = `${f.method} ${f.path.split('?')[0]} -> ${f.status} ${f.body}`;
    const prev = seen.get(key);
    if (prev) prev.count += 1; else seen.set(key, { f, count: 1 });
  }
  return [...seen.values()].map(({ f, count }) =>
    `    ${f.method} ${f.path} -> ${f.status} ${f.body}${count > 1 ? `  (x${count})` : ''}`);
}

// ---------------------------------------------------------------- test wrapper

export const state = { failed: false };

/**
 * A node:test test whose failure message also lists the HTTP requests that failed while
 * it ran, so the report says which endpoint broke. `expectedErrors` is a note printed
 * with them (e.g. a test that provokes 403s on purpose).
 */
export function scenario(name, fn, { timeout = 60_000, ...opts } = {}) {
  return test(name, { timeout, ...opts }, async (t) => {
    const mark = httpFailures.length;
    const sdkMark = sdkComplaints.length;
    try {
      await fn(t);
    } catch (e) {
      state.failed = true;
      const lines = describeFailuresSince(mark);
      const complaints = [...new Set(sdkComplaints.slice(sdkMark))].slice(-10).map((l) => `    ${l}`);
      if (lines.length || complaints.length) {
        const err = new Error(e.message +
          (lines.length ? `\n  HTTP requests that failed during this test:\n${lines.join('\n')}` : '') +
          (complaints.length ? `\n  js-sdk warnings and errors during this test (last 10):\n${complaints.join('\n')}` : ''));
        err.stack = `${err.message}\n${(e.stack || '').split('\n').filter((l) => l.trim().startsWith('at ')).join('\n')}`;
        throw err;
      }
      throw e;
    }
  });
}

/** Awaits a promise that a previous step set up; a failure there reads as a precondition. */
export async function needs(what, promise) {
  try {
    return await promise;
  } catch (e) {
    throw new Error(`precondition failed: ${what}: ${e.message}`, { cause: e });
  }
}

// ---------------------------------------------------------------- raw requests

/** A raw client-server request: returns {status, body} (body parsed as JSON when it is JSON). */
export async function raw(baseUrl, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await recordingFetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* keep text */ }
  return { status: res.status, body: parsed };
}

/** Describes a response for an assertion message. */
export function show(method, path, res) {
  return `${method} ${path} -> ${res.status} ${typeof res.body === 'string' ? res.body.slice(0, 300) : JSON.stringify(res.body)?.slice(0, 300)}`;
}

// ---------------------------------------------------------------- users

export const runId = randomBytes(3).toString('hex');

export async function passwordLogin(baseUrl, user, password) {
  const path = '/_matrix/client/v3/login';
  const res = await raw(baseUrl, 'POST', path, {
    body: { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password, initial_device_display_name: 'bollwerk clients-it' },
  });
  if (res.status !== 200 || !res.body?.access_token) throw new Error(`login of ${user} failed: ${show('POST', path, res)}`);
  return res.body;
}

/**
 * Logs the server admin in. Bollwerk creates that admin in an ApplicationRunner, which may run
 * just after the server already answers /versions: retry a refused login for up to 10 s, and
 * say so, rather than fail at random.
 */
async function adminLogin(server) {
  const t0 = Date.now();
  for (;;) {
    try {
      const admin = await passwordLogin(server.baseUrl, server.adminUser, server.adminPassword);
      if (Date.now() - t0 > 50) {
        process.stderr.write(`[clients-it] note: the admin could log in only ${((Date.now() - t0) / 1000).toFixed(1)} s after /versions answered 200\n`);
      }
      return admin;
    } catch (e) {
      if (Date.now() - t0 > 10_000) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Logs the admin in and creates users through PUT /_synapse/admin/v2/users/{userId}.
 * Names get a per-run suffix so the tests can run again against the same server.
 */
export async function provisionUsers(server, names) {
  const admin = await adminLogin(server);
  const serverName = admin.user_id.slice(admin.user_id.indexOf(':') + 1);
  const users = {};
  for (const name of names) {
    const localpart = `${name}-${runId}`;
    const userId = `@${localpart}:${serverName}`;
    const password = randomBytes(12).toString('base64url');
    const displayname = name[0].toUpperCase() + name.slice(1);
    const path = `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`;
    const res = await raw(server.baseUrl, 'PUT', path, { token: admin.access_token, body: { password, displayname } });
    if (res.status !== 201 && res.status !== 200) throw new Error(`could not create ${userId}: ${show('PUT', path, res)}`);
    users[name] = { localpart, userId, password, displayname };
  }
  return { admin, serverName, users };
}

// ---------------------------------------------------------------- js-sdk clients

/** js-sdk's warnings and errors, reported with a failing test (they are noise when all passes). */
const sdkComplaints = [];

function quietLogger(prefix = 'js-sdk') {
  const sink = (level) => (...msg) => {
    const line = `[${prefix}] ${level}: ${msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ')}`;
    if (VERBOSE) process.stderr.write(`${line}\n`);
    else if (level === 'warn' || level === 'error') sdkComplaints.push(line.slice(0, 500));
  };
  return { trace: sink('trace'), debug: sink('debug'), info: sink('info'), warn: sink('warn'), error: sink('error'), getChild: (ns) => quietLogger(`${prefix}:${ns}`) };
}

/** js-sdk's loginRequest on a bare client, as an app's login screen does. */
export async function sdkLogin(baseUrl, user) {
  const bare = sdk.createClient({ baseUrl, fetchFn: recordingFetch, logger: quietLogger() });
  return bare.loginRequest({
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: user.localpart },
    password: user.password,
    initial_device_display_name: 'bollwerk clients-it',
  });
}

/** A client for existing credentials (not started); `extra`: more createClient options (e.g. cryptoCallbacks). */
export function clientFor(baseUrl, creds, name = 'client', extra = {}) {
  return sdk.createClient({
    ...extra,
    baseUrl,
    accessToken: creds.access_token,
    userId: creds.user_id,
    deviceId: creds.device_id,
    fetchFn: recordingFetch,
    logger: quietLogger(name),
    timelineSupport: true,
  });
}

const started = new Set();

/** startClient and wait for the first sync to be PREPARED. */
export async function startAndSync(client, { initialSyncLimit = 20, timeout = 30_000 } = {}) {
  started.add(client);
  const ready = waitForSyncState(client, timeout);
  try {
    await client.startClient({ initialSyncLimit, lazyLoadMembers: true });
    await ready;
  } catch (e) {
    client.stopClient(); // js-sdk would otherwise retry for ever and muddle the next tests' reports
    throw e;
  }
  return client;
}

export function stopAll() {
  for (const c of started) { try { c.stopClient(); } catch { /* already stopped */ } }
  started.clear();
}

/** Resolves once the client's sync state is PREPARED (or SYNCING); rejects on timeout with the last error. */
export function waitForSyncState(client, timeout) {
  return new Promise((resolve, reject) => {
    const states = [];
    let lastError = null;
    const done = (fn, v) => { clearTimeout(timer); client.off(sdk.ClientEvent.Sync, onSync); fn(v); };
    const onSync = (st, _prev, data) => {
      states.push(st);
      if (data?.error) lastError = data.error;
      if (st === sdk.SyncState.Prepared || st === sdk.SyncState.Syncing) done(resolve, st);
    };
    const timer = setTimeout(() => done(reject, new Error(
      `${client.getUserId()} did not reach sync state PREPARED within ${timeout / 1000}s ` +
      `(states seen: ${states.join(' -> ') || 'none'}${lastError ? `; last sync error: ${lastError.httpStatus ?? ''} ${lastError.errcode ?? ''} ${lastError.message}` : ''})`)), timeout);
    client.on(sdk.ClientEvent.Sync, onSync);
    const now = client.getSyncState();
    if (now === sdk.SyncState.Prepared || now === sdk.SyncState.Syncing) done(resolve, now);
  });
}

/**
 * Waits for `event` on `emitter` until `predicate(...args)` is true. Start waiting before
 * acting: `const seen = waitFor(...); await act(); await seen;`.
 */
export function waitFor(emitter, event, predicate, { timeout = 20_000, what = event } = {}) {
  return new Promise((resolve, reject) => {
    const handler = (...args) => {
      let ok = false;
      try { ok = predicate(...args); } catch (e) { cleanup(); reject(e); return; }
      if (ok) { cleanup(); resolve(args); }
    };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out after ${timeout / 1000}s waiting for ${what}`)); }, timeout);
    const cleanup = () => { clearTimeout(timer); emitter.off(event, handler); };
    emitter.on(event, handler);
  });
}

/** Polls `check()` until it returns a truthy value (for state already held by the client). */
export async function eventually(check, { timeout = 20_000, what = 'condition', interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Text bodies of the m.room.message events in a room's live timeline, in order. */
export function timelineBodies(room) {
  return room.getLiveTimeline().getEvents()
    .filter((e) => e.getType() === 'm.room.message')
    .map((e) => e.getContent().body);
}

export { sdk };
