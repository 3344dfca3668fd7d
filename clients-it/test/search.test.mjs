// Message search (POST /search) and space hierarchies (GET /v1/rooms/{roomId}/hierarchy) through the real
// matrix-js-sdk calls apps make: searchRoomEvents + backPaginateRoomEventsSearch, getRoomHierarchy.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { PLAIN_CLIENT_ENV, BollwerkServer } from '../lib/server.mjs';
import {
  eventually, provisionUsers, scenario, sdk, sdkLogin, startAndSync, clientFor, state, stopAll,
} from '../lib/matrix.mjs';

const { Preset, Visibility } = sdk;

const server = new BollwerkServer({ name: 'search', env: PLAIN_CLIENT_ENV });
let alice;
let bob;
let sharedRoom;

before(async () => {
  try {
    await server.start();
    const { users } = await provisionUsers(server, ['alice', 'bob']);
    alice = await startAndSync(clientFor(server.baseUrl, await sdkLogin(server.baseUrl, users.alice), 'alice'));
    bob = await startAndSync(clientFor(server.baseUrl, await sdkLogin(server.baseUrl, users.bob), 'bob'));
  } catch (e) {
    state.failed = true;
    throw e;
  }
}, { timeout: 120_000 });

after(async () => {
  stopAll();
  await server.dispose({ failed: state.failed });
});

scenario('searchRoomEvents finds messages of joined rooms, with context, and pages back', async () => {
  ({ room_id: sharedRoom } = await alice.createRoom({ preset: Preset.PublicChat, name: 'Finance talk' }));
  await bob.joinRoom(sharedRoom);
  const { room_id: alicesRoom } = await alice.createRoom({ preset: Preset.PrivateChat, name: 'Alone' });
  await alice.sendTextMessage(alicesRoom, 'the budget in my own room');
  for (let i = 0; i < 12; i++) await alice.sendTextMessage(sharedRoom, `budget line ${i}`);
  await bob.sendTextMessage(sharedRoom, 'unrelated words');

  // the index follows the stream within about a second
  let results;
  await eventually(async () => {
    try {
      results = await bob.searchRoomEvents({ term: 'budget' });
    } catch (e) {
      if (e.errcode === 'M_LIMIT_EXCEEDED') return false; // polling faster than the per-user search rate
      throw e;
    }
    return results.results.length === 12 || results.count === 12;
  }, { what: 'the messages are searchable', interval: 700 });
  assert.equal(results.count, 12);
  assert.equal(results.results.length, 10);
  assert.ok(results.highlights.includes('budget'), JSON.stringify(results.highlights));
  assert.ok(results.next_batch, 'a next_batch for the rest');
  for (const r of results.results) {
    assert.equal(r.context.getEvent().getRoomId(), sharedRoom);
    assert.match(r.context.getEvent().getContent().body, /^budget line/);
  }
  const more = await bob.backPaginateRoomEventsSearch(results);
  assert.equal(more.results.length, 12);
  assert.ok(!more.next_batch);
  const bodies = new Set(more.results.map((r) => r.context.getEvent().getContent().body));
  assert.equal(bodies.size, 12);
  assert.ok(![...bodies].includes('the budget in my own room'), 'bob never sees a room he is not in');

  const mine = await alice.searchRoomEvents({ term: 'budget', filter: { rooms: [alicesRoom] } });
  assert.deepEqual(mine.results.map((r) => r.context.getEvent().getContent().body), ['the budget in my own room']);
});

scenario('getRoomHierarchy lists the space rooms the user may see', async () => {
  const { room_id: space } = await alice.createRoom({
    preset: Preset.PublicChat, name: 'Company', visibility: Visibility.Private, creation_content: { type: 'm.space' },
  });
  const { room_id: lobby } = await alice.createRoom({ preset: Preset.PublicChat, name: 'Lobby' });
  const { room_id: board } = await alice.createRoom({ preset: Preset.PrivateChat, name: 'Board' });
  for (const [child, suggested] of [[lobby, true], [board, false]]) {
    await alice.sendStateEvent(space, 'm.space.child', { via: ['localhost'], suggested }, child);
  }
  const seenByBob = await bob.getRoomHierarchy(space);
  assert.deepEqual(seenByBob.rooms.map((r) => r.room_id), [space, lobby]);
  assert.equal(seenByBob.rooms[0].room_type, 'm.space');
  assert.equal(seenByBob.rooms[0].children_state.length, 2);
  assert.equal(seenByBob.rooms[1].name, 'Lobby');
  assert.equal(seenByBob.rooms[1].join_rule, 'public');

  const seenByAlice = await alice.getRoomHierarchy(space, 1);
  assert.deepEqual(seenByAlice.rooms.map((r) => r.room_id), [space]);
  const page2 = await alice.getRoomHierarchy(space, 1, undefined, false, seenByAlice.next_batch);
  assert.deepEqual(page2.rooms.map((r) => r.room_id), [lobby]);
  const suggestedOnly = await alice.getRoomHierarchy(space, 10, 5, true);
  assert.deepEqual(suggestedOnly.rooms.map((r) => r.room_id), [space, lobby]);
});
