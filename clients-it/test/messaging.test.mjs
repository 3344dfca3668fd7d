// Two people chat through Bollwerk with the real matrix-js-sdk, as a messenger app does.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { PLAIN_CLIENT_ENV, BollwerkServer } from '../lib/server.mjs';
import {
  eventually, needs, passwordLogin, provisionUsers, raw, scenario, sdk, sdkLogin, clientFor,
  show, startAndSync, state, stopAll, timelineBodies, waitFor,
} from '../lib/matrix.mjs';

const { RoomEvent, RoomMemberEvent, Preset, Direction, KnownMembership } = sdk;

const server = new BollwerkServer({ name: 'messaging', env: PLAIN_CLIENT_ENV });
let users;

/** A promise that a test fulfils for later tests; its rejection is reported by those tests. */
function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
const sessions = deferred(); // {alice, bob}: started js-sdk clients (test 1)
const sharedRoom = deferred(); // room ID that alice and bob have joined (test 2)

const loggedIn = () => needs('alice and bob log in and sync (first test)', sessions.promise);
const inRoom = () => needs('alice creates a room and bob joins it (second test)', sharedRoom.promise);

before(async () => {
  try {
    await server.start();
    ({ users } = await provisionUsers(server, ['alice', 'bob', 'carol']));
  } catch (e) {
    state.failed = true;
    throw e;
  }
}, { timeout: 120_000 });

after(async () => {
  stopAll();
  await server.dispose({ failed: state.failed });
});

/** Collects the bodies of live m.room.message events from `sender` in `roomId` that match `pattern`. */
function collectLive(client, roomId, sender, pattern, count, what) {
  const got = [];
  return {
    got,
    done: waitFor(client, RoomEvent.Timeline, (event, room, toStart, _removed, data) => {
      if (toStart || !data?.liveEvent || room?.roomId !== roomId) return false;
      if (event.getType() !== 'm.room.message' || event.getSender() !== sender) return false;
      const body = event.getContent().body;
      if (pattern.test(body)) got.push(body);
      return got.length >= count;
    }, { timeout: 30_000, what }).catch((e) => { throw new Error(`${e.message}; received so far: ${JSON.stringify(got)}`); }),
  };
}

/** Sends numbered messages the way an app does (queued by js-sdk's scheduler), returns [{body, eventId}]. */
async function sendNumbered(client, roomId, prefix, count) {
  const bodies = Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);
  const results = await Promise.all(bodies.map((b) => client.sendTextMessage(roomId, b)));
  return bodies.map((body, i) => ({ body, eventId: results[i].event_id }));
}

/** Checks that every sent message's local echo in the sender's own timeline became the real event, once. */
async function assertLocalEchoesResolved(client, roomId, sent) {
  const room = client.getRoom(roomId);
  await eventually(() => sent.every(({ eventId }) => room.findEventById(eventId)?.status === null),
    { what: `${client.getUserId()}'s local echoes to turn into sent events`, timeout: 20_000 })
    .catch((e) => {
      const pending = sent.filter(({ eventId }) => room.findEventById(eventId)?.status !== null)
        .map(({ body, eventId }) => `${body} (${eventId}: ${room.findEventById(eventId)?.status ?? 'not in timeline'})`);
      throw new Error(`${e.message}; not resolved: ${pending.join(', ')}`);
    });
  for (const { body, eventId } of sent) {
    assert.match(eventId, /^\$/, `send of "${body}" returned event ID ${eventId}`);
    const ev = room.findEventById(eventId);
    assert.equal(ev.getId(), eventId, `local echo of "${body}" carries the real event ID`);
  }
  const bodies = timelineBodies(room);
  for (const { body } of sent) {
    assert.equal(bodies.filter((b) => b === body).length, 1,
      `"${body}" appears exactly once in the sender's timeline (local echo and remote echo merged); timeline: ${JSON.stringify(bodies)}`);
  }
}

scenario('after the initial sync the first incremental one answers at once, then an idle client\'s long-poll waits', async () => {
  // Runs first, while carol has nothing in her account. The first incremental sync after an initial one is
  // answered at once (apps show "Connecting…" until it returns); from then on a /sync with nothing new waits:
  // one that answered at once with the same next_batch every time would make every app spin in a busy loop.
  const carol = await passwordLogin(server.baseUrl, users.carol.localpart, users.carol.password);
  const first = await raw(server.baseUrl, 'GET', '/_matrix/client/v3/sync?timeout=0', { token: carol.access_token });
  assert.equal(first.status, 200, show('GET', '/_matrix/client/v3/sync?timeout=0', first));
  const prompt = `/_matrix/client/v3/sync?timeout=30000&since=${encodeURIComponent(first.body.next_batch)}`;
  const t0 = Date.now();
  const connected = await raw(server.baseUrl, 'GET', prompt, { token: carol.access_token });
  assert.equal(connected.status, 200, show('GET', prompt, connected));
  assert.ok(Date.now() - t0 < 10_000, `the first incremental sync should answer at once, took ${Date.now() - t0} ms`);
  const path = `/_matrix/client/v3/sync?timeout=3000&since=${encodeURIComponent(connected.body.next_batch)}`;
  const t1 = Date.now();
  const next = await raw(server.baseUrl, 'GET', path, { token: carol.access_token });
  const waited = Date.now() - t1;
  assert.equal(next.status, 200, show('GET', path, next));
  const summary = JSON.stringify({ next_batch: next.body.next_batch, account_data: (next.body.account_data?.events ?? []).map((e) => e.type), rooms: Object.keys(next.body.rooms?.join ?? {}) });
  assert.ok(waited >= 2500, `GET ${path} with nothing new should wait ~3 s, but answered after ${waited} ms with ${summary}`);
});

scenario('alice and bob log in with matrix-js-sdk and their first sync reaches PREPARED', async () => {
  try {
    const [aliceCreds, bobCreds] = await Promise.all([sdkLogin(server.baseUrl, users.alice), sdkLogin(server.baseUrl, users.bob)]);
    assert.equal(aliceCreds.user_id, users.alice.userId, 'login returns alice\'s user ID');
    assert.equal(bobCreds.user_id, users.bob.userId, 'login returns bob\'s user ID');
    assert.ok(aliceCreds.access_token && aliceCreds.device_id, 'login returns an access token and a device ID');
    const alice = clientFor(server.baseUrl, aliceCreds, 'alice');
    const bob = clientFor(server.baseUrl, bobCreds, 'bob');
    await Promise.all([startAndSync(alice), startAndSync(bob)]);
    sessions.resolve({ alice, bob, aliceCreds, bobCreds });
  } catch (e) {
    sessions.reject(e);
    throw e;
  }
});

scenario('alice creates a private room and invites bob; bob sees the invite through sync and joins', async () => {
  try {
    const { alice, bob } = await loggedIn();
    const name = 'Bollwerk acceptance room';
    const { room_id: roomId } = await alice.createRoom({ preset: Preset.PrivateChat, name });
    assert.match(roomId, /^!/, 'createRoom returns a room ID');
    await eventually(() => alice.getRoom(roomId)?.getMyMembership() === KnownMembership.Join,
      { what: 'alice\'s sync to show her joined to the new room' });
    assert.equal(alice.getRoom(roomId).name, name, 'alice\'s client shows the room name');

    await alice.invite(roomId, users.bob.userId);
    await eventually(() => bob.getRoom(roomId)?.getMyMembership() === KnownMembership.Invite,
      { what: 'bob\'s sync to deliver the invite' });
    assert.equal(bob.getRoom(roomId).name, name, 'bob\'s client shows the room name in the invite');

    const aliceSeesJoin = waitFor(alice, RoomMemberEvent.Membership, (_ev, member) => member.roomId === roomId && member.userId === users.bob.userId && member.membership === KnownMembership.Join,
      { what: 'alice\'s sync to show bob joining' });
    await bob.joinRoom(roomId);
    await eventually(() => bob.getRoom(roomId)?.getMyMembership() === KnownMembership.Join, { what: 'bob\'s sync to show him joined' });
    await aliceSeesJoin;
    assert.equal(bob.getRoom(roomId).name, name, 'bob\'s client shows the room name after joining');
    // js-sdk fires the membership event before it applies the sync's room summary (sync.js awaits
    // injectRoomEvents, then calls setSummary), so the count catches up a moment later.
    await eventually(() => alice.getRoom(roomId).getJoinedMemberCount() === 2,
      { what: 'alice to see two joined members' });
    sharedRoom.resolve(roomId);
  } catch (e) {
    sharedRoom.reject(e);
    throw e;
  }
});

scenario('room members appear under the display names the admin gave them', async () => {
  const { alice, bob } = await loggedIn();
  const roomId = await inRoom();
  const profile = await bob.getProfileInfo(users.alice.userId);
  assert.equal(profile.displayname, 'Alice', 'GET /profile/{alice} has the display name set by the admin API');
  await eventually(() => bob.getRoom(roomId).getMember(users.alice.userId)?.name === 'Alice',
    { what: `bob's client to show alice's member name "Alice" (it shows "${bob.getRoom(roomId).getMember(users.alice.userId)?.name}")` });
  await eventually(() => alice.getRoom(roomId).getMember(users.bob.userId)?.name === 'Bob',
    { what: `alice's client to show bob's member name "Bob" (it shows "${alice.getRoom(roomId).getMember(users.bob.userId)?.name}")` });
});

scenario('alice and bob exchange 20 messages each way; each side receives them in order and local echoes resolve', async () => {
  const { alice, bob } = await loggedIn();
  const roomId = await inRoom();
  const N = 20;

  const toBob = collectLive(bob, roomId, users.alice.userId, /^a2b \d+$/, N, `bob to receive alice's ${N} messages`);
  const sentByAlice = await sendNumbered(alice, roomId, 'a2b', N);
  await toBob.done;
  assert.deepEqual(toBob.got, sentByAlice.map((s) => s.body), 'bob receives alice\'s messages in the order she sent them');
  await assertLocalEchoesResolved(alice, roomId, sentByAlice);

  const toAlice = collectLive(alice, roomId, users.bob.userId, /^b2a \d+$/, N, `alice to receive bob's ${N} messages`);
  const sentByBob = await sendNumbered(bob, roomId, 'b2a', N);
  await toAlice.done;
  assert.deepEqual(toAlice.got, sentByBob.map((s) => s.body), 'alice receives bob\'s messages in the order he sent them');
  await assertLocalEchoesResolved(bob, roomId, sentByBob);

  const expected = [...sentByAlice, ...sentByBob].map((s) => s.body);
  for (const [who, client] of [['alice', alice], ['bob', bob]]) {
    const bodies = timelineBodies(client.getRoom(roomId)).filter((b) => /^(a2b|b2a) \d+$/.test(b));
    assert.deepEqual(bodies, expected, `${who}'s timeline holds both directions in one consistent order`);
  }
  const ids = sentByAlice.map((s) => bob.getRoom(roomId).findEventById(s.eventId)?.getId());
  assert.deepEqual(ids, sentByAlice.map((s) => s.eventId), 'bob sees alice\'s messages under the same event IDs that her sends returned');
}, { timeout: 120_000 });

/** A raw /sync loop for one access token, to look at exactly what the server sends a device. */
class RawSync {
  constructor(token) { this.token = token; this.filter = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 50 } } })); }

  async start() {
    const path = `/_matrix/client/v3/sync?timeout=0&filter=${this.filter}`;
    const res = await raw(server.baseUrl, 'GET', path, { token: this.token });
    assert.equal(res.status, 200, show('GET', path, res));
    this.since = res.body.next_batch;
    return this;
  }

  /** Long-polls until `found(timeline events of roomId so far)` is truthy; 5 rounds of 10 s at most. */
  async until(roomId, found) {
    const events = [];
    for (let i = 0; i < 5; i++) {
      const path = `/_matrix/client/v3/sync?timeout=10000&since=${encodeURIComponent(this.since)}&filter=${this.filter}`;
      const res = await raw(server.baseUrl, 'GET', path, { token: this.token });
      assert.equal(res.status, 200, show('GET', path, res));
      events.push(...(res.body.rooms?.join?.[roomId]?.timeline?.events ?? []));
      this.since = res.body.next_batch;
      if (found(events)) break;
    }
    return events;
  }
}

scenario('the sending device\'s own /sync returns its message with unsigned.transaction_id, which js-sdk needs for local echo', async () => {
  const { aliceCreds, bobCreds } = await loggedIn();
  const roomId = await inRoom();
  const [mine, theirs] = await Promise.all([new RawSync(aliceCreds.access_token).start(), new RawSync(bobCreds.access_token).start()]);
  const txnId = `echo-probe-${Date.now()}`;
  const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txnId}`;
  const sent = await raw(server.baseUrl, 'PUT', path, { token: aliceCreds.access_token, body: { msgtype: 'm.text', body: 'echo probe' } });
  assert.equal(sent.status, 200, show('PUT', path, sent));
  const pick = (events) => events.find((e) => e.event_id === sent.body.event_id);
  const echo = pick(await mine.until(roomId, pick));
  assert.ok(echo, `alice's incremental /sync delivers her message ${sent.body.event_id}`);
  assert.equal(echo.unsigned?.transaction_id, txnId, `alice's /sync carries unsigned.transaction_id on her own message; got ${JSON.stringify(echo)}`);
  const other = pick(await theirs.until(roomId, pick));
  assert.ok(other, `bob's incremental /sync delivers alice's message ${sent.body.event_id}`);
  assert.equal(other.unsigned?.transaction_id, undefined, 'bob\'s /sync does not carry alice\'s transaction ID');
});

scenario('resending a message with the same transaction ID returns the same event ID and creates no second message', async () => {
  const { aliceCreds } = await loggedIn();
  const roomId = await inRoom();
  const sync = await new RawSync(aliceCreds.access_token).start();
  const body = { msgtype: 'm.text', body: `retried ${Date.now()}` };
  const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/retry-${Date.now()}`;
  const first = await raw(server.baseUrl, 'PUT', path, { token: aliceCreds.access_token, body });
  assert.equal(first.status, 200, show('PUT', path, first));
  const again = await raw(server.baseUrl, 'PUT', path, { token: aliceCreds.access_token, body });
  assert.equal(again.status, 200, show('PUT', path, again));
  assert.equal(again.body.event_id, first.body.event_id, 'the retry returns the event ID of the first send');
  const marker = await raw(server.baseUrl, 'PUT', path.replace(/retry-\d+$/, `marker-${Date.now()}`), { token: aliceCreds.access_token, body: { msgtype: 'm.text', body: 'after the retry' } });
  assert.equal(marker.status, 200, show('PUT', 'send (marker)', marker));
  const events = await sync.until(roomId, (evs) => evs.some((e) => e.event_id === marker.body.event_id));
  assert.ok(events.some((e) => e.event_id === marker.body.event_id), 'the /sync reached the marker message sent after the retry');
  assert.equal(events.filter((e) => e.content?.body === body.body).length, 1, `the room holds the retried message once; /sync had ${JSON.stringify(events.map((e) => e.content?.body))}`);
});

scenario('a fresh client of bob pages back through 25 earlier messages in order, to the start of the room', async () => {
  const { alice } = await loggedIn();
  const roomId = await inRoom();
  const N = 25;
  const sent = await sendNumbered(alice, roomId, 'history', N);
  await assertLocalEchoesResolved(alice, roomId, sent);
  const expected = sent.map((s) => s.body);

  // bob opens the app on a second device: small initial sync, then scrollback as the user scrolls up.
  const creds = await sdkLogin(server.baseUrl, users.bob);
  const fresh = clientFor(server.baseUrl, creds, 'bob-2');
  await startAndSync(fresh, { initialSyncLimit: 5 });
  const room = fresh.getRoom(roomId);
  assert.ok(room, 'the fresh client\'s initial sync contains the room');
  const initial = timelineBodies(room);
  assert.ok(initial.length <= 5, `initial sync returned at most 5 messages (got ${initial.length})`);
  let rounds = 0;
  while (!timelineBodies(room).includes('history 1')) {
    assert.ok(++rounds <= 20, `scrollback reached "history 1" within 20 pages; timeline so far: ${JSON.stringify(timelineBodies(room))}`);
    await fresh.scrollback(room, 10);
  }
  const paged = timelineBodies(room).filter((b) => /^history \d+$/.test(b));
  assert.deepEqual(paged, expected, 'scrollback shows the 25 messages once each, in the order they were sent');

  // The same through /messages directly: from the newest event back to m.room.create, 7 at a time.
  const seen = [];
  let from = null;
  for (let page = 0; ; page++) {
    assert.ok(page < 100, '/messages backwards pagination ends within 100 pages');
    const res = await fresh.createMessagesRequest(roomId, from, 7, Direction.Backward);
    assert.ok(Array.isArray(res.chunk), '/messages returns a chunk array');
    seen.push(...res.chunk);
    if (!res.end || res.chunk.length === 0) break;
    assert.notEqual(res.end, from, '/messages returns a new end token for each page');
    from = res.end;
  }
  const ids = seen.map((e) => e.event_id);
  assert.equal(new Set(ids).size, ids.length, 'no event appears on two pages');
  const chronological = seen.slice().reverse();
  assert.equal(chronological[0]?.type, 'm.room.create', `paginating backwards ends at m.room.create (first event found: ${chronological[0]?.type})`);
  assert.deepEqual(chronological.filter((e) => e.type === 'm.room.message' && /^history \d+$/.test(e.content?.body)).map((e) => e.content.body),
    expected, '/messages pages hold the 25 messages in order');
  fresh.stopClient();
}, { timeout: 120_000 });

scenario('when alice types, bob sees her typing, and then sees her stop', async () => {
  const { alice, bob } = await loggedIn();
  const roomId = await inRoom();
  const typing = (value) => waitFor(bob, RoomMemberEvent.Typing, (_ev, member) => member.roomId === roomId && member.userId === users.alice.userId && member.typing === value,
    { what: `bob's sync to show alice ${value ? 'typing' : 'no longer typing'}` });
  const starts = typing(true);
  await alice.sendTyping(roomId, true, 20_000);
  await starts;
  const stops = typing(false);
  await alice.sendTyping(roomId, false, 0);
  await stops;
});

scenario('when bob sends a read receipt for alice\'s message, alice sees it', async () => {
  const { alice, bob } = await loggedIn();
  const roomId = await inRoom();
  const arrives = collectLive(bob, roomId, users.alice.userId, /^please read me$/, 1, 'bob to receive "please read me"');
  const { event_id: eventId } = await alice.sendTextMessage(roomId, 'please read me');
  await arrives.done;
  const event = bob.getRoom(roomId).findEventById(eventId);
  assert.ok(event, 'bob holds the event he is about to mark as read');

  const receipt = waitFor(alice, RoomEvent.Receipt, (ev, room) => room.roomId === roomId &&
      Object.entries(ev.getContent()).some(([id, types]) => id === eventId && types['m.read']?.[users.bob.userId]),
  { what: 'alice\'s sync to deliver bob\'s m.read receipt' });
  await bob.sendReadReceipt(event);
  await receipt;
  assert.equal(alice.getRoom(roomId).getEventReadUpTo(users.bob.userId), eventId, 'alice\'s client places bob\'s read marker on that message');
});

scenario('carol, who is not in the room, is refused reading it, sending to it and joining it (403 M_FORBIDDEN)', async (t) => {
  const roomId = await inRoom();
  const carol = await passwordLogin(server.baseUrl, users.carol.localpart, users.carol.password);
  const room = encodeURIComponent(roomId);
  const forbidden = async (method, path, body) => {
    const res = await raw(server.baseUrl, method, path, { token: carol.access_token, body });
    assert.equal(res.status, 403, show(method, path, res));
    assert.equal(res.body?.errcode, 'M_FORBIDDEN', show(method, path, res));
  };
  await t.test('GET /rooms/{roomId}/messages', () => forbidden('GET', `/_matrix/client/v3/rooms/${room}/messages?dir=b&limit=10`));
  await t.test('PUT /rooms/{roomId}/send/m.room.message/{txnId}', () => forbidden('PUT', `/_matrix/client/v3/rooms/${room}/send/m.room.message/carol-${Date.now()}`, { msgtype: 'm.text', body: 'carol was here' }));
  await t.test('GET /rooms/{roomId}/state', () => forbidden('GET', `/_matrix/client/v3/rooms/${room}/state`));
  await t.test('POST /join/{roomId} of an invite-only room', () => forbidden('POST', `/_matrix/client/v3/join/${room}`, {}));
  await t.test('the js-sdk sees the refusal as a MatrixError M_FORBIDDEN', async () => {
    const client = clientFor(server.baseUrl, carol, 'carol');
    await assert.rejects(client.sendTextMessage(roomId, 'carol via js-sdk'),
      (e) => e.errcode === 'M_FORBIDDEN' && e.httpStatus === 403, 'sendTextMessage from a non-member is rejected with 403 M_FORBIDDEN');
  });
});

scenario('after logout the old access token is refused with 401 M_UNKNOWN_TOKEN, other sessions keep working', async () => {
  const { aliceCreds } = await loggedIn();
  const creds = await sdkLogin(server.baseUrl, users.alice);
  const client = clientFor(server.baseUrl, creds, 'alice-2');
  const who = await client.whoami();
  assert.equal(who.user_id, users.alice.userId, 'whoami with the new session names alice');
  await client.logout(true);
  for (const path of ['/_matrix/client/v3/account/whoami', '/_matrix/client/v3/sync?timeout=0']) {
    const res = await raw(server.baseUrl, 'GET', path, { token: creds.access_token });
    assert.equal(res.status, 401, `old token: ${show('GET', path, res)}`);
    assert.equal(res.body?.errcode, 'M_UNKNOWN_TOKEN', `old token: ${show('GET', path, res)}`);
  }
  const other = await raw(server.baseUrl, 'GET', '/_matrix/client/v3/account/whoami', { token: aliceCreds.access_token });
  assert.equal(other.status, 200, `alice's first session still works: ${show('GET', '/_matrix/client/v3/account/whoami', other)}`);
});

scenario('open registration is off: POST /register is refused with 403 M_FORBIDDEN', async () => {
  const path = '/_matrix/client/v3/register';
  const res = await raw(server.baseUrl, 'POST', path, { body: { username: `mallory-${Date.now()}`, password: 'correct horse battery staple', auth: { type: 'm.login.dummy' } } });
  assert.equal(res.status, 403, show('POST', path, res));
  assert.equal(res.body?.errcode, 'M_FORBIDDEN', show('POST', path, res));
});

scenario('alice uploads a file with js-sdk, sends it to the room, and bob downloads the same bytes through authenticated media', async () => {
  const { alice, bob } = await loggedIn();
  const roomId = await inRoom();
  const bytes = Buffer.from(`bollwerk media test ${Date.now()}\n`.repeat(50));
  const { content_uri: mxc } = await alice.uploadContent(bytes, { name: 'notes.txt', type: 'text/plain' });
  assert.match(mxc, /^mxc:\/\/[^/]+\/[A-Za-z0-9_-]+$/, `upload returns an mxc URI: ${mxc}`);
  await alice.sendMessage(roomId, { msgtype: 'm.file', body: 'notes.txt', url: mxc, info: { mimetype: 'text/plain', size: bytes.length } });
  const url = bob.mxcUrlToHttp(mxc, undefined, undefined, undefined, false, true, true);
  assert.ok(url && url.includes('/_matrix/client/v1/media/download/'), `js-sdk builds an authenticated media URL: ${url}`);
  const res = await fetch(url, { headers: { Authorization: `Bearer ${bob.getAccessToken()}` } });
  assert.equal(res.status, 200, `bob downloads ${url}`);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes, 'the downloaded bytes are the uploaded ones');
  const anonymous = await fetch(url);
  assert.equal(anonymous.status, 401, 'without a token the media is refused');
});
