// End-to-end encryption with the real matrix-js-sdk and its Rust crypto (matrix-sdk-crypto-wasm):
// encrypted DMs, a second device, cross-signing, key backup, and what the server stores.
// The server runs with its default (bollwerk.e2ee-default=private): private rooms and DMs get
// m.room.encryption added by the server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { BollwerkServer } from '../lib/server.mjs';
import {
  clientFor, eventually, needs, provisionUsers, raw, scenario, sdk, sdkLogin, show,
  startAndSync, state, stopAll, waitFor,
} from '../lib/matrix.mjs';

// The crypto API's enums are not re-exported from the package root.
import { CrossSigningKey } from 'matrix-js-sdk/lib/crypto-api/index.js';

const { Preset, KnownMembership, RoomMemberEvent } = sdk;

const server = new BollwerkServer({ name: 'e2ee' });
let users;

// A new device cannot decrypt history from before it logged in (until it restores the key
// backup); js-sdk warns once per such event. Expected here: keep those lines for a failure report.
const undecryptableWarnings = [];
if (!process.env.BOLLWERK_IT_VERBOSE) {
  const warn = console.warn;
  console.warn = (...args) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Error decrypting event')) undecryptableWarnings.push(args[0].slice(0, 400));
    else warn(...args);
  };
}

/** Every plaintext this suite sent into an encrypted room (the last test searches the server's storage for them). */
const secretMarkers = [];
/** A distinctive random text for a message body. */
function marker(label) {
  const m = `e2ee-secret-${label}-${randomBytes(9).toString('hex')}`;
  secretMarkers.push(m);
  return m;
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
const dm = deferred(); // {alice, bob, roomId}: crypto clients in an encrypted DM (test 1)
const secondDevice = deferred(); // bob's second device (second test)
const crossSigned = deferred(); // resolved when alice's cross-signing is set up

const inDm = () => needs('alice and bob share an encrypted DM (first test)', dm.promise);

before(async () => {
  try {
    await server.start();
    ({ users } = await provisionUsers(server, ['alice', 'bob']));
  } catch (e) {
    state.failed = true;
    throw e;
  }
}, { timeout: 120_000 });

after(async () => {
  stopAll();
  if (state.failed && undecryptableWarnings.length) {
    process.stderr.write(`--- js-sdk decryption warnings (last 20) ---\n${undecryptableWarnings.slice(-20).join('\n')}\n`);
  }
  await server.dispose({ failed: state.failed });
});

// ---------------------------------------------------------------- helpers

/**
 * Secret storage keys a client may ask for (the "recovery key" an app would prompt for).
 * Shared by all devices of one user in this suite.
 */
const secretStorageKeys = new Map(); // userId -> Map(keyId -> Uint8Array)

function cryptoCallbacksFor(userId) {
  if (!secretStorageKeys.has(userId)) secretStorageKeys.set(userId, new Map());
  const known = secretStorageKeys.get(userId);
  return {
    getSecretStorageKey: async ({ keys }) => {
      for (const keyId of Object.keys(keys)) if (known.has(keyId)) return [keyId, known.get(keyId)];
      return null;
    },
    cacheSecretStorageKey: (keyId, _keyInfo, key) => { known.set(keyId, key); },
  };
}

/** Logs a new device of `user` in, initialises Rust crypto (in memory: Node has no IndexedDB) and syncs. */
async function cryptoDevice(user, name) {
  const creds = await sdkLogin(server.baseUrl, user);
  const client = clientFor(server.baseUrl, creds, name, { cryptoCallbacks: cryptoCallbacksFor(user.userId) });
  await client.initRustCrypto({ useIndexedDB: false });
  assert.ok(client.getCrypto(), `${name}: getCrypto() returns the crypto API after initRustCrypto`);
  await startAndSync(client);
  return { client, creds, deviceId: creds.device_id };
}

/** What a client holds for an event, for a failure message. */
function describeEvent(ev) {
  if (!ev) return 'not in the timeline';
  return `wire type ${ev.getWireType()}, type ${ev.getType()}, ` +
    (ev.isDecryptionFailure() ? `decryption failure (${ev.decryptionFailureReason}: ${ev.getContent().body})` :
      ev.isBeingDecrypted() ? 'being decrypted' : `body ${JSON.stringify(ev.getContent().body)}`);
}

/** Waits until `client` holds event `eventId` in `roomId`, received encrypted and decrypted to `body`. */
async function waitDecrypted(client, roomId, eventId, body, who, { timeout = 30_000 } = {}) {
  let ev;
  await eventually(() => {
    ev = client.getRoom(roomId)?.findEventById(eventId);
    return ev && !ev.isBeingDecrypted() && !ev.isDecryptionFailure() && ev.getType() === 'm.room.message';
  }, { timeout, what: `${who} to decrypt ${eventId}` }).catch((e) => {
    throw new Error(`${e.message}; ${who} holds: ${describeEvent(ev)}`);
  });
  assert.equal(ev.getWireType(), 'm.room.encrypted', `${who} received ${eventId} as m.room.encrypted`);
  assert.ok(ev.isEncrypted(), `${who}: ${eventId} is marked encrypted`);
  assert.equal(ev.getContent().body, body, `${who} decrypts ${eventId} to the sent text`);
  return ev;
}

/** Sends a text message (js-sdk encrypts it since the room is encrypted) and checks what the server stored. */
async function sendSecret(client, token, roomId, body) {
  const { event_id: eventId } = await client.sendTextMessage(roomId, body);
  assert.match(eventId, /^\$/, `send returns an event ID for "${body}"`);
  const p = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(eventId)}`;
  const res = await raw(server.baseUrl, 'GET', p, { token });
  assert.equal(res.status, 200, show('GET', p, res));
  assert.equal(res.body.type, 'm.room.encrypted', `the server holds ${eventId} as m.room.encrypted: ${show('GET', p, res)}`);
  assert.equal(res.body.content.algorithm, 'm.megolm.v1.aes-sha2', `${eventId} is Megolm-encrypted`);
  assert.ok(typeof res.body.content.ciphertext === 'string' && res.body.content.ciphertext.length > 0, `${eventId} carries a ciphertext`);
  assert.ok(!JSON.stringify(res.body).includes(body), `the server's copy of ${eventId} does not contain the plaintext`);
  return eventId;
}

/** Device IDs that `viewer`'s crypto knows for `userId` (downloading the list if it is not tracked yet). */
async function knownDevices(viewer, userId) {
  const map = await viewer.getCrypto().getUserDeviceInfo([userId], true);
  return [...(map.get(userId)?.keys() ?? [])];
}

// ---------------------------------------------------------------- tests

scenario('alice and bob, each with Rust crypto, chat both ways in an encrypted DM and both decrypt', async () => {
  try {
    const [a, b] = await Promise.all([cryptoDevice(users.alice, 'alice'), cryptoDevice(users.bob, 'bob')]);
    const alice = a.client;
    const bob = b.client;
    const { room_id: roomId } = await alice.createRoom({ is_direct: true, invite: [users.bob.userId], preset: Preset.TrustedPrivateChat });

    // No initial_state asked for encryption: the server default (private) must add it.
    const sp = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.encryption/`;
    const enc = await raw(server.baseUrl, 'GET', sp, { token: a.creds.access_token });
    assert.equal(enc.status, 200, `the DM has m.room.encryption by server default: ${show('GET', sp, enc)}`);
    assert.equal(enc.body.algorithm, 'm.megolm.v1.aes-sha2', show('GET', sp, enc));

    await eventually(() => bob.getRoom(roomId)?.getMyMembership() === KnownMembership.Invite, { what: 'bob\'s sync to deliver the DM invite' });
    const invite = bob.getRoom(roomId).getMember(users.bob.userId)?.events.member;
    assert.equal(invite?.getContent().is_direct, true, `bob's invite is marked is_direct: ${JSON.stringify(invite?.getContent())}`);
    const aliceSeesJoin = waitFor(alice, RoomMemberEvent.Membership,
      (_ev, m) => m.roomId === roomId && m.userId === users.bob.userId && m.membership === KnownMembership.Join,
      { what: 'alice\'s sync to show bob joining' });
    await bob.joinRoom(roomId);
    await aliceSeesJoin;
    await eventually(async () => await alice.getCrypto().isEncryptionEnabledInRoom(roomId) && await bob.getCrypto().isEncryptionEnabledInRoom(roomId),
      { what: 'both clients to treat the DM as encrypted' });

    const fromAlice = marker('alice-to-bob');
    const e1 = await sendSecret(alice, a.creds.access_token, roomId, fromAlice);
    await waitDecrypted(bob, roomId, e1, fromAlice, 'bob');
    await waitDecrypted(alice, roomId, e1, fromAlice, 'alice (own message)');

    const fromBob = marker('bob-to-alice');
    const e2 = await sendSecret(bob, b.creds.access_token, roomId, fromBob);
    await waitDecrypted(alice, roomId, e2, fromBob, 'alice');

    const again = marker('alice-to-bob-2');
    const e3 = await sendSecret(alice, a.creds.access_token, roomId, again);
    await waitDecrypted(bob, roomId, e3, again, 'bob');
    dm.resolve({ alice: a, bob: b, roomId });
  } catch (e) {
    dm.reject(e);
    throw e;
  }
}, { timeout: 90_000 });

scenario('a second device of bob is seen by alice through device-list tracking and decrypts new messages', async () => {
  try {
    await secondDeviceScenario();
  } catch (e) {
    secondDevice.reject(e);
    throw e;
  }
}, { timeout: 90_000 });

async function secondDeviceScenario() {
  const { alice, bob, roomId } = await inDm();
  const before = await knownDevices(alice.client, users.bob.userId);
  assert.deepEqual(before, [bob.deviceId], 'alice knows bob\'s one device before he logs in again');

  const bob2 = await cryptoDevice(users.bob, 'bob2');
  let seen = [];
  await eventually(async () => { seen = await knownDevices(alice.client, users.bob.userId); return seen.includes(bob2.deviceId); },
    { what: `alice's device list for bob to include the new device ${bob2.deviceId}`, timeout: 30_000, interval: 250 })
    .catch((e) => { throw new Error(`${e.message}; alice knows ${JSON.stringify(seen)}`); });
  assert.deepEqual(seen.sort(), [bob.deviceId, bob2.deviceId].sort(), 'alice knows both of bob\'s devices');

  const text = marker('alice-to-both-bob-devices');
  const eventId = await sendSecret(alice.client, alice.creds.access_token, roomId, text);
  await waitDecrypted(bob2.client, roomId, eventId, text, 'bob\'s second device');
  await waitDecrypted(bob.client, roomId, eventId, text, 'bob\'s first device');

  const reply = marker('bob2-to-alice');
  const replyId = await sendSecret(bob2.client, bob2.creds.access_token, roomId, reply);
  await waitDecrypted(alice.client, roomId, replyId, reply, 'alice (from bob\'s second device)');
  secondDevice.resolve(bob2);
}

scenario('when bob signs out his second device, alice\'s client drops it from his device list', async () => {
  const { alice, bob, roomId } = await inDm();
  const bob2 = await needs('bob has a second device (previous test)', secondDevice.promise);
  bob2.client.stopClient();
  // As an app's "sign out that session": DELETE /devices/{id}, which asks for the password (UIA).
  let challenge;
  try {
    await bob.client.deleteDevice(bob2.deviceId);
  } catch (e) {
    challenge = e;
  }
  assert.equal(challenge?.httpStatus, 401, `deleting a device without auth answers 401 with UIA flows: ${challenge?.message ?? 'it succeeded'}`);
  await bob.client.deleteDevice(bob2.deviceId, {
    type: 'm.login.password', identifier: { type: 'm.id.user', user: users.bob.localpart }, password: users.bob.password, session: challenge.data?.session,
  });
  let seen = [];
  await eventually(async () => { seen = await knownDevices(alice.client, users.bob.userId); return !seen.includes(bob2.deviceId); },
    { what: `alice's device list for bob to drop the deleted device ${bob2.deviceId}`, timeout: 30_000, interval: 250 })
    .catch((e) => { throw new Error(`${e.message}; alice knows ${JSON.stringify(seen)}`); });
  assert.deepEqual(seen, [bob.deviceId], 'alice knows only bob\'s remaining device');
  const text = marker('alice-after-device-deleted');
  const eventId = await sendSecret(alice.client, alice.creds.access_token, roomId, text);
  await waitDecrypted(bob.client, roomId, eventId, text, 'bob\'s remaining device');
}, { timeout: 60_000 });

scenario('alice bootstraps cross-signing; her client holds the keys and bob sees her cross-signing identity', async () => {
  try {
    const { alice, bob } = await inDm();
    const crypto = alice.client.getCrypto();
    let authCalls = 0;
    await crypto.bootstrapCrossSigning({
      authUploadDeviceSigningKeys: async (makeRequest) => {
        authCalls += 1;
        await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: users.alice.localpart }, password: users.alice.password });
      },
    });
    const status = await crypto.getCrossSigningStatus();
    assert.equal(status.publicKeysOnDevice, true, `publicKeysOnDevice after bootstrap: ${JSON.stringify(status)}`);
    assert.deepEqual(status.privateKeysCachedLocally, { masterKey: true, selfSigningKey: true, userSigningKey: true },
      `private keys cached locally: ${JSON.stringify(status)}`);
    assert.equal(await crypto.isCrossSigningReady(), true, 'isCrossSigningReady');
    assert.ok(authCalls <= 1, `UIA callback called at most once (called ${authCalls} times)`);
    const masterId = await crypto.getCrossSigningKeyId(CrossSigningKey.Master);
    const selfId = await crypto.getCrossSigningKeyId(CrossSigningKey.SelfSigning);
    assert.ok(masterId && selfId, 'alice has master and self-signing key IDs');

    // What the server hands to bob.
    const qp = '/_matrix/client/v3/keys/query';
    const q = await raw(server.baseUrl, 'POST', qp, { token: bob.creds.access_token, body: { device_keys: { [users.alice.userId]: [] } } });
    assert.equal(q.status, 200, show('POST', qp, q));
    const mk = q.body.master_keys?.[users.alice.userId];
    const ssk = q.body.self_signing_keys?.[users.alice.userId];
    assert.ok(mk, `keys/query by bob returns alice's master key: ${show('POST', qp, q)}`);
    assert.ok(ssk, `keys/query by bob returns alice's self-signing key: ${show('POST', qp, q)}`);
    assert.deepEqual(Object.values(mk.keys), [masterId], 'the master key on the server is the one alice\'s client made');
    assert.deepEqual(Object.values(ssk.keys), [selfId], 'the self-signing key on the server is the one alice\'s client made');
    assert.equal(q.body.user_signing_keys?.[users.alice.userId], undefined, 'alice\'s user-signing key is not shown to bob');
    const devSigs = q.body.device_keys?.[users.alice.userId]?.[alice.deviceId]?.signatures?.[users.alice.userId] ?? {};
    assert.ok(Object.keys(devSigs).includes(`ed25519:${selfId}`),
      `alice's device keys carry her self-signing key's signature: ${JSON.stringify(devSigs)}`);

    // And bob's client, through device-list tracking.
    await eventually(() => bob.client.getCrypto().userHasCrossSigningKeys(users.alice.userId, true),
      { what: 'bob\'s client to see that alice has cross-signing keys', timeout: 30_000, interval: 250 });
    const seen = await bob.client.getCrypto().getUserCrossSigningKeys(users.alice.userId);
    assert.deepEqual(Object.values(seen?.master_key?.keys ?? {}), [masterId], `bob's client holds alice's master key: ${JSON.stringify(seen)}`);
    assert.equal(seen.user_signing_key, undefined, 'bob\'s client does not hold alice\'s user-signing key');
    const alicesDevice = await bob.client.getCrypto().getDeviceVerificationStatus(users.alice.userId, alice.deviceId);
    assert.equal(alicesDevice?.signedByOwner, true, `bob sees alice's device as signed by its owner: ${JSON.stringify(alicesDevice)}`);
    crossSigned.resolve();
  } catch (e) {
    crossSigned.reject(e);
    throw e;
  }
}, { timeout: 60_000 });

scenario('resetting cross-signing asks for the password again (UIA) and bob then sees alice\'s new master key', async () => {
  const { alice, bob } = await inDm();
  await needs('alice has cross-signing (previous test)', crossSigned.promise);
  const crypto = alice.client.getCrypto();
  const oldMaster = await crypto.getCrossSigningKeyId(CrossSigningKey.Master);
  const attempts = [];
  const password = (pw, session) => ({ type: 'm.login.password', identifier: { type: 'm.id.user', user: users.alice.localpart }, password: pw, session });
  await crypto.bootstrapCrossSigning({
    setupNewCrossSigning: true,
    // What an app does: try without auth, read the flows and session from the 401, ask for the password.
    authUploadDeviceSigningKeys: async (makeRequest) => {
      let session;
      for (const auth of [null, 'wrong', 'right']) {
        try {
          const body = auth === null ? null : password(auth === 'right' ? users.alice.password : `${users.alice.password}-wrong`, session);
          await makeRequest(body);
          attempts.push({ auth, status: 200 });
          return;
        } catch (e) {
          attempts.push({ auth, status: e.httpStatus, errcode: e.errcode, data: e.data });
          session = e.data?.session ?? session;
          if (e.httpStatus !== 401) throw e;
        }
      }
    },
  });
  const summary = JSON.stringify(attempts.map(({ auth, status, errcode, data }) => ({ auth, status, errcode, flows: data?.flows, session: Boolean(data?.session) })));
  assert.deepEqual(attempts.map((a) => [a.auth, a.status]), [[null, 401], ['wrong', 401], ['right', 200]],
    `keys/device_signing/upload with new keys: 401 without auth, 401 with a wrong password, 200 with the right one: ${summary}`);
  assert.ok(attempts[0].data?.flows?.some((f) => f.stages?.includes('m.login.password')), `the 401 offers a password flow: ${summary}`);
  assert.ok(attempts[0].data?.session, `the 401 carries a UIA session: ${summary}`);
  assert.equal(attempts[1].errcode, 'M_FORBIDDEN', `a wrong password is refused with M_FORBIDDEN: ${summary}`);

  const newMaster = await crypto.getCrossSigningKeyId(CrossSigningKey.Master);
  assert.ok(newMaster && newMaster !== oldMaster, 'alice has a new master key');
  let seen;
  await eventually(async () => {
    seen = await bob.client.getCrypto().getUserCrossSigningKeys(users.alice.userId);
    return Object.values(seen?.master_key?.keys ?? {})[0] === newMaster;
  }, { what: 'bob\'s client to see alice\'s new master key', timeout: 30_000, interval: 250 })
    .catch((e) => { throw new Error(`${e.message}; bob holds ${JSON.stringify(seen?.master_key)}`); });
  assert.equal(await crypto.isCrossSigningReady(), true, 'alice\'s cross-signing is ready with the new keys');
}, { timeout: 60_000 });

scenario('key backup: alice backs up her room keys and a fresh device of hers restores them and decrypts old messages', async () => {
  const { alice, bob, roomId } = await inDm();
  await needs('alice has cross-signing (previous test)', crossSigned.promise);
  const crypto = alice.client.getCrypto();
  const recovery = await crypto.createRecoveryKeyFromPassphrase();
  await crypto.bootstrapSecretStorage({ createSecretStorageKey: async () => recovery, setupNewKeyBackup: true });
  assert.equal(await crypto.isSecretStorageReady(), true, 'secret storage is ready after bootstrapSecretStorage');
  const version = await eventually(() => crypto.getActiveSessionBackupVersion(), { what: 'alice\'s client to enable the new backup' });

  const vp = '/_matrix/client/v3/room_keys/version';
  const v = await raw(server.baseUrl, 'GET', vp, { token: alice.creds.access_token });
  assert.equal(v.status, 200, show('GET', vp, v));
  assert.equal(v.body.version, version, `the server's latest backup is the one alice's client made: ${show('GET', vp, v)}`);
  assert.equal(v.body.algorithm, 'm.megolm_backup.v1.curve25519-aes-sha2', show('GET', vp, v));
  assert.ok(v.body.auth_data?.public_key, `the backup has a public key: ${show('GET', vp, v)}`);

  // A message from each side after the backup exists; alice's client backs up both sessions' keys.
  const own = marker('alice-before-restore');
  const ownId = await sendSecret(alice.client, alice.creds.access_token, roomId, own);
  const theirs = marker('bob-before-restore');
  const theirsId = await sendSecret(bob.client, bob.creds.access_token, roomId, theirs);
  await waitDecrypted(alice.client, roomId, theirsId, theirs, 'alice');

  const kp = `/_matrix/client/v3/room_keys/keys?version=${encodeURIComponent(version)}`;
  let keys;
  await eventually(async () => {
    keys = await raw(server.baseUrl, 'GET', kp, { token: alice.creds.access_token });
    return keys.status === 200 && Object.keys(keys.body.rooms?.[roomId]?.sessions ?? {}).length >= 2;
  }, { what: 'room keys of the DM (alice\'s and bob\'s sessions) to be in the backup', timeout: 30_000, interval: 500 })
    .catch((e) => { throw new Error(`${e.message}; last: ${show('GET', kp, keys)}`); });
  const stored = Object.values(keys.body.rooms[roomId].sessions);
  for (const s of stored) {
    assert.ok(s.session_data?.ciphertext && s.session_data?.ephemeral && s.session_data?.mac, `backed-up session is encrypted: ${JSON.stringify(s).slice(0, 300)}`);
  }

  // The old device goes away; a fresh one knows only the recovery key.
  alice.client.stopClient();
  const alice2 = await cryptoDevice(users.alice, 'alice2');
  let held;
  await eventually(() => { held = alice2.client.getRoom(roomId)?.findEventById(ownId); return held?.isDecryptionFailure(); },
    { what: 'the fresh device to hold alice\'s old message undecryptable before restoring', timeout: 20_000 })
    .catch((e) => { throw new Error(`${e.message}; it holds: ${describeEvent(held)}`); });

  const c2 = alice2.client.getCrypto();
  await c2.loadSessionBackupPrivateKeyFromSecretStorage();
  const result = await c2.restoreKeyBackup();
  assert.ok(result.imported >= 2, `restoreKeyBackup imported alice's and bob's session keys: ${JSON.stringify(result)}`);
  await waitDecrypted(alice2.client, roomId, ownId, own, 'alice\'s fresh device (her own old message)');
  await waitDecrypted(alice2.client, roomId, theirsId, theirs, 'alice\'s fresh device (bob\'s old message)');
}, { timeout: 90_000 });

/** Files under `dir` (recursively) whose bytes contain `needle`. */
function filesContaining(dir, needles) {
  const hits = new Map(needles.map((n) => [n, []]));
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) { walk(p); continue; }
      if (!st.isFile()) continue;
      const bytes = readFileSync(p);
      for (const n of needles) if (bytes.includes(Buffer.from(n, 'utf8'))) hits.get(n).push(path.relative(dir, p));
    }
  };
  walk(dir);
  return hits;
}

function allFiles(dir) {
  const out = [];
  const walk = (d) => { for (const name of readdirSync(d)) { const p = path.join(d, name); if (statSync(p).isDirectory()) walk(p); else out.push(path.relative(dir, p)); } };
  walk(dir);
  return out;
}

/**
 * A data-only pg_dump of the suite's PostgreSQL database (BOLLWERK_DATABASE_URL is a JDBC URL,
 * jdbc:postgresql://host:port/db[?currentSchema=s&user=u]; only that schema when one is named),
 * or {error} when pg_dump is missing or fails.
 */
function pgDump() {
  let u;
  try { u = new URL(process.env.BOLLWERK_DATABASE_URL.replace(/^jdbc:/, '')); } catch (e) { return { error: `cannot parse BOLLWERK_DATABASE_URL: ${e.message}` }; }
  const args = ['--data-only', '--no-owner', '-h', u.hostname || '127.0.0.1', '-p', u.port || '5432', '-d', decodeURIComponent(u.pathname.slice(1))];
  const schema = u.searchParams.get('currentSchema');
  if (schema) args.push('-n', schema);
  const user = process.env.BOLLWERK_DATABASE_USER || u.searchParams.get('user');
  if (user) args.push('-U', user);
  const env = { ...process.env };
  const pw = process.env.BOLLWERK_DATABASE_PASSWORD || u.searchParams.get('password');
  if (pw) env.PGPASSWORD = pw;
  try {
    return execFileSync('pg_dump', args, { env, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return { error: `pg_dump ${args.join(' ')}: ${e.code === 'ENOENT' ? 'not installed' : `${String(e.stderr || e.message).slice(0, 300)}`}` };
  }
}

scenario('after the run, no message plaintext (encrypted rooms, and unencrypted ones under encryption at rest) is anywhere in the server\'s data directory or database', async (t) => {
  if (server.external) { t.skip('external server (BOLLWERK_URL): its data directory is not known here'); return; }
  assert.ok(secretMarkers.length >= 5, `the earlier tests sent encrypted messages to look for (${secretMarkers.length})`);

  // Control: a room alias is stored in plain text (it is looked up by value), so the search can see text.
  // A message in an unencrypted room is not: encryption at rest covers it; that is checked too.
  const b = await cryptoDevice(users.bob, 'bob-control');
  const control = `e2ee-control-alias-${randomBytes(9).toString('hex')}`;
  const { room_id: publicRoom } = await b.client.createRoom({ preset: Preset.PublicChat, room_alias_name: control });
  const sp = `/_matrix/client/v3/rooms/${encodeURIComponent(publicRoom)}/state/m.room.encryption/`;
  const enc = await raw(server.baseUrl, 'GET', sp, { token: b.creds.access_token });
  assert.equal(enc.status, 404, `a public room is not encrypted by default: ${show('GET', sp, enc)}`);
  const unencryptedRoomText = `at-rest-plaintext-${randomBytes(9).toString('hex')}`;
  await b.client.sendTextMessage(publicRoom, unencryptedRoomText);
  secretMarkers.push(unencryptedRoomText);
  stopAll();

  const needles = [control, ...secretMarkers];
  // Search every file twice: while the server runs (recent writes sit in SQLite's -wal file) and
  // after it stopped (the WAL checkpointed into the database file, logs flushed).
  const whileRunning = filesContaining(server.dataDir, needles);
  const filesWhileRunning = allFiles(server.dataDir);
  for (const m of secretMarkers) {
    assert.deepEqual(whileRunning.get(m), [], `the plaintext "${m}" must not be in the running server's files (${JSON.stringify(filesWhileRunning)})`);
  }
  const stopped = await server.stop();
  assert.ok(stopped?.graceful, `the server stops on SIGTERM: ${JSON.stringify(stopped)}`);
  const hits = filesContaining(server.dataDir, needles);
  const files = allFiles(server.dataDir);
  t.diagnostic(`files while running: ${JSON.stringify(filesWhileRunning)}; control text in ${JSON.stringify(whileRunning.get(control))}`);
  const onPostgres = Boolean(process.env.BOLLWERK_DATABASE_URL);
  if (!onPostgres) {
    assert.ok(files.some((f) => /\.(db|sqlite3?)$/.test(f)), `the data dir holds an SQLite database: ${JSON.stringify(files)}`);
    assert.ok(hits.get(control).length > 0, `control: the room alias is found in the data dir (files: ${JSON.stringify(files)})`);
  }
  for (const m of secretMarkers) {
    assert.deepEqual(hits.get(m), [], `the plaintext "${m}" must not be in the server's files`);
  }
  t.diagnostic(`searched ${files.length} files for ${secretMarkers.length} encrypted texts: none found; the control text is in ${JSON.stringify(hits.get(control))}`);
  if (onPostgres) {
    const dump = pgDump();
    if (!Buffer.isBuffer(dump)) { t.diagnostic(`PostgreSQL check skipped: pg_dump failed: ${dump.error}`); return; }
    // Events are stored as bytea, which pg_dump writes as hex: look for the text and its hex form.
    const inDump = (text) => dump.includes(Buffer.from(text, 'utf8')) || dump.includes(Buffer.from(Buffer.from(text, 'utf8').toString('hex')));
    assert.ok(inDump(control), 'control: the room alias is in the pg_dump');
    for (const m of secretMarkers) assert.ok(!inDump(m), `the plaintext "${m}" must not be in the PostgreSQL database`);
  }
}, { timeout: 60_000 });
