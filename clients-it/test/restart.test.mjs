// A messenger's history, accounts and sessions must outlive a server restart, and running
// clients must carry on by themselves once the server is back.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { PLAIN_CLIENT_ENV, BollwerkServer, usingExternalServer } from '../lib/server.mjs';
import {
  clientFor, needs, provisionUsers, raw, scenario, sdk, sdkLogin, show, startAndSync, state, stopAll,
  timelineBodies, waitFor, eventually,
} from '../lib/matrix.mjs';

const { RoomEvent, Preset, Direction, KnownMembership } = sdk;
const skip = usingExternalServer() && 'BOLLWERK_URL points at an external server, which these tests cannot restart';
const server = skip ? null : new BollwerkServer({ name: 'restart', env: PLAIN_CLIENT_ENV });
const ROOM_NAME = 'Survives restarts';
const N = 10;
let users;
let ctx = null; // {alice, bob, aliceCreds, roomId, before: [bodies]}
let restarted = null;

before(async () => {
  if (skip) return;
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
  if (server) await server.dispose({ failed: state.failed });
});

const setUp = () => needs('the room with messages from before the restart (first test)', ctx ? Promise.resolve(ctx) : Promise.reject(new Error('not set up')));
const afterRestart = () => needs('the server restarted (second test)', restarted ? Promise.resolve(restarted) : Promise.reject(new Error('not restarted')));

scenario(`before the restart: alice creates a room, bob joins, alice sends ${N} messages that bob receives`, async () => {
  const aliceCreds = await sdkLogin(server.baseUrl, users.alice);
  const bobCreds = await sdkLogin(server.baseUrl, users.bob);
  const alice = clientFor(server.baseUrl, aliceCreds, 'alice');
  const bob = clientFor(server.baseUrl, bobCreds, 'bob');
  await Promise.all([startAndSync(alice), startAndSync(bob)]);
  const { room_id: roomId } = await alice.createRoom({ preset: Preset.PrivateChat, name: ROOM_NAME, invite: [users.bob.userId] });
  await eventually(() => bob.getRoom(roomId)?.getMyMembership() === KnownMembership.Invite, { what: 'bob to see the invite' });
  await bob.joinRoom(roomId);
  const bodies = Array.from({ length: N }, (_, i) => `before restart ${i + 1}`);
  const got = [];
  const received = waitFor(bob, RoomEvent.Timeline, (ev, room, toStart, _r, data) => {
    if (room?.roomId === roomId && !toStart && data?.liveEvent && ev.getSender() === users.alice.userId && /^before restart/.test(ev.getContent().body)) got.push(ev.getContent().body);
    return got.length >= N;
  }, { what: `bob to receive the ${N} messages`, timeout: 30_000 });
  await Promise.all(bodies.map((b) => alice.sendTextMessage(roomId, b)));
  await received;
  assert.deepEqual(got, bodies, 'bob receives the messages in order');
  bob.stopClient(); // bob closes the app; alice keeps hers open through the restart
  ctx = { alice, aliceCreds, roomId, bodies };
}, { skip });

scenario('the server stops on SIGTERM and starts again on the same data directory', async () => {
  await setUp();
  const stopped = await server.restart();
  assert.ok(stopped?.graceful, `the server exited within 30 s of SIGTERM (exit: ${JSON.stringify(stopped)})`);
  restarted = stopped;
}, { skip, timeout: 120_000 });

scenario('an access token issued before the restart still works', async () => {
  const { aliceCreds } = await setUp();
  await afterRestart();
  const path = '/_matrix/client/v3/account/whoami';
  const res = await raw(server.baseUrl, 'GET', path, { token: aliceCreds.access_token });
  assert.equal(res.status, 200, show('GET', path, res));
  assert.equal(res.body.user_id, users.alice.userId, show('GET', path, res));
}, { skip });

scenario(`after the restart bob logs in again and /messages returns the ${N} earlier messages in order`, async () => {
  const { roomId, bodies } = await setUp();
  await afterRestart();
  const bobCreds = await sdkLogin(server.baseUrl, users.bob);
  const bob = clientFor(server.baseUrl, bobCreds, 'bob-after');
  const res = await bob.createMessagesRequest(roomId, null, 50, Direction.Backward);
  const chronological = res.chunk.slice().reverse();
  assert.deepEqual(chronological.filter((e) => e.type === 'm.room.message').map((e) => e.content.body), bodies,
    'the messages from before the restart are all there, in order');
  assert.equal(chronological[0]?.type, 'm.room.create', 'the room\'s history still starts at m.room.create');
  const name = await bob.getStateEvent(roomId, 'm.room.name', '');
  assert.equal(name.name, ROOM_NAME, 'the room name survived');
}, { skip });

scenario('alice\'s client that stayed open across the restart resumes syncing and receives bob\'s new message after the old ones', async () => {
  const { alice, roomId, bodies } = await setUp();
  await afterRestart();
  const bobCreds = await sdkLogin(server.baseUrl, users.bob);
  const bob = clientFor(server.baseUrl, bobCreds, 'bob-after-2');
  await startAndSync(bob);
  const arrives = waitFor(alice, RoomEvent.Timeline, (ev, room, toStart, _r, data) => room?.roomId === roomId && !toStart && data?.liveEvent &&
      ev.getSender() === users.bob.userId && ev.getContent().body === 'after restart 1',
  { what: 'alice\'s still-running client to receive "after restart 1" (js-sdk retries /sync after the outage)', timeout: 45_000 });
  const { event_id: eventId } = await bob.sendTextMessage(roomId, 'after restart 1');
  await arrives;
  assert.deepEqual(timelineBodies(alice.getRoom(roomId)).filter((b) => /restart \d+$/.test(b)), [...bodies, 'after restart 1'],
    'alice\'s timeline shows the new message after the old ones');
  const res = await bob.createMessagesRequest(roomId, null, 3, Direction.Backward);
  assert.equal(res.chunk[0]?.event_id, eventId, `/messages puts the new message newest (stream positions continue after the restart); got ${JSON.stringify(res.chunk.map((e) => e.content?.body ?? e.type))}`);
  assert.equal(res.chunk[1]?.content?.body, bodies[N - 1], 'and the last message from before the restart right behind it');
}, { skip, timeout: 90_000 });
