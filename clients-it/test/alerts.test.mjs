// Alerts with acknowledgement (issue 22) with the real matrix-js-sdk: an operator sends an alert to a group;
// both members get it through their ordinary sync (joined to the tenant's alert room without any action), one
// acknowledges with a ✅ reaction, the other's read receipt counts as read, the one who did not acknowledge gets
// a reminder, and the tracking figures of the admin API follow every step. One server start for the file.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { PLAIN_CLIENT_ENV, BollwerkServer } from '../lib/server.mjs';
import {
  clientFor, eventually, passwordLogin, provisionUsers, raw, scenario, show, startAndSync, state, stopAll,
} from '../lib/matrix.mjs';

// Reminders are checked every second here, so the reminder scenario need not wait long.
const server = new BollwerkServer({ name: 'alerts', env: { ...PLAIN_CLIENT_ENV, BOLLWERK_ALERTS_CHECK_INTERVAL: '1s' } });
const TENANT = '/_bollwerk/admin/v1/tenants/default';
let admin;
const people = {}; // name -> {userId, client}
let alertId;
let alertRoomId;
let alertEventId;

async function operator(method, path, body) {
  return raw(server.baseUrl, method, path, { token: admin.access_token, body });
}

async function figures() {
  const res = await operator('GET', `${TENANT}/alerts/${alertId}`);
  assert.equal(res.status, 200, show('GET', `${TENANT}/alerts/${alertId}`, res));
  return res.body;
}

/** The alert-room event carrying our alert ID of the given kind, as the client's timeline has it. */
function alertEvent(client, kind) {
  const room = client.getRoom(alertRoomId);
  if (!room) return undefined;
  return room.getLiveTimeline().getEvents().find((e) => e.getContent()['org.bollwerk.alert']?.alert_id === alertId
    && e.getContent()['org.bollwerk.alert']?.kind === kind);
}

before(async () => {
  try {
    await server.start();
    const provisioned = await provisionUsers(server, ['alice', 'bob']);
    admin = provisioned.admin;
    for (const [name, user] of Object.entries(provisioned.users)) {
      const creds = await passwordLogin(server.baseUrl, user.localpart, user.password);
      people[name] = { userId: user.userId, client: await startAndSync(clientFor(server.baseUrl, creds, name)) };
    }
    const group = await operator('POST', `${TENANT}/groups`, { id: 'crew', name: 'Crew' });
    assert.equal(group.status, 201, show('POST', `${TENANT}/groups`, group));
    for (const p of Object.values(people)) {
      const path = `${TENANT}/groups/crew/members/${encodeURIComponent(p.userId)}`;
      const added = await operator('PUT', path);
      assert.equal(added.status, 200, show('PUT', path, added));
    }
  } catch (e) {
    state.failed = true;
    throw e;
  }
}, { timeout: 120_000 });

after(async () => {
  stopAll();
  await server.dispose({ failed: state.failed });
});

scenario('an alert to a group reaches both members through their ordinary sync', async () => {
  const path = `${TENANT}/alerts`;
  const sent = await operator('POST', path, { body: 'Gas leak in hall 3: leave the building', groups: ['crew'],
    remind_after_ms: 6000 });
  assert.equal(sent.status, 201, show('POST', path, sent));
  alertId = sent.body.alert_id;
  assert.ok(alertId, 'an alert_id is returned');

  const status = await figures();
  alertRoomId = status.room_id;
  alertEventId = status.event_id;
  assert.equal(status.recipients, 2);
  assert.equal(status.delivered, 2);
  assert.deepEqual([...status.pending].sort(), [people.alice.userId, people.bob.userId].sort());

  for (const p of Object.values(people)) {
    await eventually(() => p.client.getRoom(alertRoomId)?.getMyMembership() === 'join',
      { what: `${p.userId} is in the alert room` });
    await eventually(() => alertEvent(p.client, 'alert') !== undefined, { what: `${p.userId} has the alert` });
    const event = alertEvent(p.client, 'alert');
    assert.match(event.getContent().body, /Gas leak in hall 3/);
    assert.equal(event.getId(), alertEventId);
  }
});

scenario('members cannot post in the alert room, only react', async () => {
  await assert.rejects(people.bob.client.sendTextMessage(alertRoomId, 'is this a drill?'),
    (e) => e.errcode === 'M_FORBIDDEN' || e.data?.errcode === 'M_FORBIDDEN');
});

scenario('a ✅ reaction sent with js-sdk acknowledges, a read receipt counts as read', async () => {
  await people.alice.client.sendEvent(alertRoomId, 'm.reaction', {
    'm.relates_to': { rel_type: 'm.annotation', event_id: alertEventId, key: '✅' },
  });
  const bobsCopy = alertEvent(people.bob.client, 'alert');
  await people.bob.client.sendReadReceipt(bobsCopy);

  await eventually(async () => {
    const f = await figures();
    return f.acknowledged === 1 && f.read === 2;
  }, { what: 'acknowledged 1, read 2' });
  const status = await figures();
  assert.deepEqual(status.pending, [people.bob.userId]);
});

scenario('the member who did not acknowledge gets a reminder and acknowledges it', async () => {
  await eventually(() => alertEvent(people.bob.client, 'reminder') !== undefined,
    { what: 'bob sees the reminder', timeout: 30_000 });
  const reminder = alertEvent(people.bob.client, 'reminder');
  assert.match(reminder.getContent().body, /Reminder/);
  // Reminders mention who had not acknowledged when they went out: bob at least.
  assert.ok(reminder.getContent()['m.mentions']?.user_ids?.includes(people.bob.userId), JSON.stringify(reminder.getContent()));

  await people.bob.client.sendEvent(alertRoomId, 'm.reaction', {
    'm.relates_to': { rel_type: 'm.annotation', event_id: reminder.getId(), key: '✅\uFE0F' },
  });
  await eventually(async () => (await figures()).acknowledged === 2, { what: 'both acknowledged' });
  const status = await figures();
  assert.deepEqual(status.pending, []);
  assert.ok(status.reminders_sent >= 1);

  const exported = await operator('GET', `${TENANT}/alerts/${alertId}/export`);
  assert.equal(exported.status, 200, show('GET', 'export', exported));
  for (const row of exported.body.recipients) {
    assert.ok(row.delivered_ts && row.read_ts && row.acknowledged_ts, JSON.stringify(row));
  }
}, { timeout: 60_000 });
