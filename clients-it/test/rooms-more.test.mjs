// Knocking, delayed events (MSC4140, as Element Call uses them) and room upgrades with the real matrix-js-sdk.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { PLAIN_CLIENT_ENV, BollwerkServer } from '../lib/server.mjs';
import {
  clientFor, eventually, needs, provisionUsers, scenario, sdk, sdkLogin, startAndSync, state, stopAll,
  timelineBodies,
} from '../lib/matrix.mjs';

const { Preset, KnownMembership } = sdk;

const server = new BollwerkServer({ name: 'rooms-more', env: PLAIN_CLIENT_ENV });
let users;

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
const sessions = deferred(); // {alice, bob}
const knockedRoom = deferred(); // a room bob knocked on and was let into

const loggedIn = () => needs('alice and bob log in (first test)', sessions.promise);
const inKnockedRoom = () => needs('bob knocks and is let in (second test)', knockedRoom.promise);

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
  await server.dispose({ failed: state.failed });
});

scenario('alice and bob log in with matrix-js-sdk and sync', async () => {
  try {
    const [aliceCreds, bobCreds] = await Promise.all([sdkLogin(server.baseUrl, users.alice), sdkLogin(server.baseUrl, users.bob)]);
    const alice = clientFor(server.baseUrl, aliceCreds, 'alice');
    const bob = clientFor(server.baseUrl, bobCreds, 'bob');
    await Promise.all([startAndSync(alice), startAndSync(bob)]);
    sessions.resolve({ alice, bob });
  } catch (e) {
    sessions.reject(e);
    throw e;
  }
});

scenario('bob knocks on a room with the knock join rule, alice sees it and invites him, bob joins', async () => {
  try {
    const { alice, bob } = await loggedIn();
    const { room_id: roomId } = await alice.createRoom({
      preset: Preset.PrivateChat, name: 'Knock knock',
      initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
    });
    const knocked = await bob.knockRoom(roomId, { reason: 'May I come in?' });
    assert.equal(knocked.room_id, roomId, 'knockRoom returns the room ID');
    await eventually(() => bob.getRoom(roomId)?.getMyMembership() === KnownMembership.Knock,
      { what: 'bob\'s sync to show the room under rooms.knock' });
    assert.equal(bob.getRoom(roomId).name, 'Knock knock', 'bob\'s client shows the room name from knock_state');
    await eventually(() => alice.getRoom(roomId)?.getMember(users.bob.userId)?.membership === KnownMembership.Knock,
      { what: 'alice\'s sync to show bob knocking' });
    assert.equal(alice.getRoom(roomId).getMember(users.bob.userId).events.member.getContent().reason, 'May I come in?');

    await alice.invite(roomId, users.bob.userId);
    await eventually(() => bob.getRoom(roomId)?.getMyMembership() === KnownMembership.Invite,
      { what: 'bob\'s sync to turn the knock into an invite' });
    await bob.joinRoom(roomId);
    await eventually(() => alice.getRoom(roomId)?.getMember(users.bob.userId)?.membership === KnownMembership.Join,
      { what: 'alice\'s sync to show bob joined' });
    knockedRoom.resolve(roomId);
  } catch (e) {
    knockedRoom.reject(e);
    throw e;
  }
});

scenario('a delayed message is sent when its delay runs out; a cancelled one never is', async () => {
  const { alice, bob } = await loggedIn();
  const roomId = await inKnockedRoom();
  assert.ok(await alice.doesServerSupportUnstableFeature('org.matrix.msc4140'), '/versions advertises org.matrix.msc4140');
  const later = await alice._unstable_sendDelayedEvent(roomId, { delay: 1500 }, null, 'm.room.message',
    { msgtype: 'm.text', body: 'sent by the server later' });
  const never = await alice._unstable_sendDelayedEvent(roomId, { delay: 60_000 }, null, 'm.room.message',
    { msgtype: 'm.text', body: 'never sent' });
  assert.ok(later.delay_id && never.delay_id, 'both answer a delay_id');
  const listed = await alice._unstable_getDelayedEvents('scheduled');
  assert.deepEqual(listed.scheduled.map((e) => e.delay_id).sort(), [later.delay_id, never.delay_id].sort());

  await alice._unstable_cancelScheduledDelayedEvent(never.delay_id);
  await eventually(() => timelineBodies(bob.getRoom(roomId)).includes('sent by the server later'),
    { what: 'bob to receive the delayed message', timeout: 15_000 });
  const finalised = await alice._unstable_getDelayedEvents('finalised');
  const outcome = Object.fromEntries(finalised.finalised.map((f) => [f.delayed_event.delay_id, `${f.outcome}/${f.reason}`]));
  assert.equal(outcome[later.delay_id], 'send/delay');
  assert.equal(outcome[never.delay_id], 'cancel/action');
  assert.ok(!timelineBodies(bob.getRoom(roomId)).includes('never sent'), 'the cancelled message never arrives');
});

scenario('a delayed call membership (state) is restarted as a heartbeat and then sent at once', async () => {
  const { alice, bob } = await loggedIn();
  const roomId = await inKnockedRoom();
  const stateKey = `_${users.alice.userId}_${alice.getDeviceId()}`;
  const { delay_id: delayId } = await alice._unstable_sendDelayedStateEvent(roomId, { delay: 600_000 },
    'org.matrix.msc3401.call.member', {}, stateKey);
  await alice._unstable_restartScheduledDelayedEvent(delayId);
  await alice._unstable_sendScheduledDelayedEvent(delayId);
  await eventually(() => bob.getRoom(roomId)?.currentState.getStateEvents('org.matrix.msc3401.call.member', stateKey),
    { what: 'bob to see the call membership left by the delayed event' });
});

scenario('alice upgrades the room to version 11; bob sees the tombstone and follows to the replacement', async () => {
  const { alice, bob } = await loggedIn();
  const roomId = await inKnockedRoom();
  const { replacement_room: newRoomId } = await alice.upgradeRoom(roomId, '11');
  assert.match(newRoomId, /^!/, 'upgradeRoom returns the replacement room');
  await eventually(() => bob.getRoom(roomId)?.currentState.getStateEvents('m.room.tombstone', '')
    ?.getContent().replacement_room === newRoomId, { what: 'bob\'s sync to deliver the tombstone' });
  // A knock-only room admits invitees: alice invites the old room's members, as Element's upgrade dialog offers.
  await alice.invite(newRoomId, users.bob.userId);
  await eventually(() => bob.getRoom(newRoomId)?.getMyMembership() === KnownMembership.Invite,
    { what: 'bob\'s sync to deliver the invite to the replacement room' });
  await bob.joinRoom(newRoomId);
  await eventually(() => bob.getRoom(newRoomId)?.getMyMembership() === KnownMembership.Join,
    { what: 'bob\'s sync to show him in the replacement room' });
  const newRoom = bob.getRoom(newRoomId);
  assert.equal(newRoom.getVersion(), '11', 'the replacement room has the new version');
  assert.equal(newRoom.findPredecessor()?.roomId, roomId, 'the replacement names its predecessor');
  assert.equal(newRoom.name, 'Knock knock', 'the name was carried over');
  assert.equal(newRoom.currentState.getStateEvents('m.room.join_rules', '')?.getContent().join_rule, 'knock',
    'the join rule was carried over');
});
