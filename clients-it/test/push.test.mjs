// Push notifications with the real matrix-js-sdk (issue 14): bob's app sets a pusher with setPusher, alice
// writes to him, a push gateway on loopback receives IDs and counts but no content, and js-sdk reads the
// counts from /sync and the notification from /notifications as an app does. Needs a server it starts itself
// (the gateway must be on the server's allow-list), so not BOLLWERK_URL.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before } from 'node:test';
import { PLAIN_CLIENT_ENV, BollwerkServer, freePort } from '../lib/server.mjs';
import {
  clientFor, eventually, provisionUsers, scenario, sdk, sdkLogin, startAndSync, state, stopAll,
} from '../lib/matrix.mjs';

const { Preset, NotificationCountType } = sdk;

const gatewayPort = await freePort();
const gatewayUrl = `http://127.0.0.1:${gatewayPort}/_matrix/push/v1/notify`;
const received = []; // bodies the gateway got
const gateway = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/_matrix/push/v1/notify') received.push(JSON.parse(body));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"rejected":[]}');
  });
});

const server = new BollwerkServer({
  name: 'push', env: { ...PLAIN_CLIENT_ENV, BOLLWERK_PUSH_ALLOWED_GATEWAYS: gatewayUrl },
});
let alice;
let bob;
let roomId;

before(async () => {
  try {
    await new Promise((resolve) => gateway.listen(gatewayPort, '127.0.0.1', resolve));
    await server.start();
    const { users } = await provisionUsers(server, ['alice', 'bob']);
    alice = await startAndSync(clientFor(server.baseUrl, await sdkLogin(server.baseUrl, users.alice), 'alice'));
    bob = await startAndSync(clientFor(server.baseUrl, await sdkLogin(server.baseUrl, users.bob), 'bob'));
  } catch (e) {
    state.failed = true;
    throw e;
  }
}, { timeout: 240_000 });

after(async () => {
  stopAll();
  gateway.close();
  await server.dispose({ failed: state.failed });
});

scenario('bob sets a pusher with setPusher and sees it in getPushers', async () => {
  await bob.setPusher({
    kind: 'http', app_id: 'org.bollwerk.clients-it', pushkey: 'bob-phone', app_display_name: 'clients-it',
    device_display_name: 'phone', lang: 'en', data: { url: gatewayUrl, format: 'event_id_only' },
  });
  const { pushers } = await bob.getPushers();
  assert.equal(pushers.length, 1);
  assert.equal(pushers[0].pushkey, 'bob-phone');
  await assert.rejects(bob.setPusher({
    kind: 'http', app_id: 'x', pushkey: 'elsewhere', app_display_name: 'x', device_display_name: 'x', lang: 'en',
    data: { url: 'https://push.elsewhere.example/_matrix/push/v1/notify' },
  }), (e) => e.errcode === 'M_INVALID_PARAM' && /BOLLWERK_PUSH_ALLOWED_GATEWAYS/.test(e.data?.error ?? e.message));
});

scenario('a direct message reaches the gateway without content and counts as unread for js-sdk', async () => {
  ({ room_id: roomId } = await alice.createRoom({ preset: Preset.TrustedPrivateChat, invite: [bob.getUserId()], is_direct: true }));
  await eventually(() => bob.getRoom(roomId)?.getMyMembership() === 'invite', { what: 'bob sees the invite' });
  await bob.joinRoom(roomId);
  await eventually(() => alice.getRoom(roomId)?.getJoinedMemberCount() === 2, { what: 'alice sees bob joined' });
  const { event_id: eventId } = await alice.sendTextMessage(roomId, 'the quarterly figures are in');

  await eventually(() => received.some((b) => b.notification?.event_id === eventId), { what: 'the push for the message' });
  const push = received.find((b) => b.notification.event_id === eventId).notification;
  assert.equal(push.room_id, roomId);
  assert.equal(push.devices[0].pushkey, 'bob-phone');
  assert.ok(push.counts.unread >= 1, JSON.stringify(push));
  assert.ok(!JSON.stringify(push).includes('quarterly'), 'no content leaves the server');
  assert.equal(push.content, undefined);
  assert.equal(push.sender, undefined);

  await eventually(() => bob.getRoom(roomId)?.getUnreadNotificationCount(NotificationCountType.Total) === 1,
    { what: 'js-sdk shows one unread notification' });
  assert.equal(bob.getRoom(roomId).getUnreadNotificationCount(NotificationCountType.Highlight), 0);
  const listed = await bob.http.authedRequest('GET', '/notifications');
  assert.equal(listed.notifications[0].event.event_id, eventId);
  assert.equal(listed.notifications[0].read, false);
});

scenario('a mention highlights and a read receipt clears the counts', async () => {
  const { event_id: mention } = await alice.sendMessage(roomId, {
    msgtype: 'm.text', body: 'Bob, a question', 'm.mentions': { user_ids: [bob.getUserId()] },
  });
  await eventually(() => bob.getRoom(roomId)?.getUnreadNotificationCount(NotificationCountType.Highlight) === 1,
    { what: 'js-sdk shows the highlight' });
  await eventually(() => received.some((b) => b.notification?.event_id === mention), { what: 'the push for the mention' });
  assert.equal(received.find((b) => b.notification.event_id === mention).notification.prio, 'high');

  const event = bob.getRoom(roomId).findEventById(mention);
  await bob.sendReadReceipt(event);
  await eventually(() => bob.getRoom(roomId)?.getUnreadNotificationCount(NotificationCountType.Total) === 0,
    { what: 'the counts cleared after the receipt' });
  const listed = await bob.http.authedRequest('GET', '/notifications', { only: 'highlight' });
  assert.equal(listed.notifications.length, 1);
  assert.equal(listed.notifications[0].read, true);
});
