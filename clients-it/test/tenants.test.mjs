// Two organisations on one Bollwerk: each chats inside its own tenant; across tenants nothing works until
// the operator declares them partners (issue 4), all with the real matrix-js-sdk.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { randomBytes } from 'node:crypto';
import { PLAIN_CLIENT_ENV, BollwerkServer } from '../lib/server.mjs';
import {
  clientFor, eventually, passwordLogin, provisionUsers, raw, runId, scenario, sdk, show, startAndSync, state,
  stopAll, timelineBodies,
} from '../lib/matrix.mjs';

const { Preset } = sdk;

const server = new BollwerkServer({ name: 'tenants', env: PLAIN_CLIENT_ENV });
const tenants = {
  acme: { id: `acme-${runId}`, domain: `acme-${runId}.test`, name: 'ACME GmbH' },
  globex: { id: `globex-${runId}`, domain: `globex-${runId}.test`, name: 'Globex AG' },
};
let admin;
const people = {}; // name -> {userId, password, creds, client}

async function operator(method, path, body) {
  const res = await raw(server.baseUrl, method, path, { token: admin.access_token, body });
  return res;
}

async function person(name, tenant) {
  const userId = `@${name}:${tenant.domain}`;
  const password = randomBytes(12).toString('base64url');
  const path = `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`;
  const res = await operator('PUT', path, { password, displayname: name[0].toUpperCase() + name.slice(1) });
  assert.equal(res.status, 201, show('PUT', path, res));
  // Users of another tenant log in with their full user ID: its domain names their organisation.
  const creds = await passwordLogin(server.baseUrl, userId, password);
  assert.equal(creds.user_id, userId);
  const client = await startAndSync(clientFor(server.baseUrl, creds, name));
  people[name] = { userId, password, creds, client };
  return people[name];
}

async function roomMessages(client, roomId, pattern, count) {
  await eventually(() => timelineBodies(client.getRoom(roomId) ?? { getLiveTimeline: () => ({ getEvents: () => [] }) })
    .filter((b) => pattern.test(b)).length >= count, { what: `${count} messages matching ${pattern}` });
}

async function chat(a, b, label) {
  const { room_id: roomId } = await a.client.createRoom({ preset: Preset.PrivateChat, invite: [b.userId], name: label });
  await eventually(() => b.client.getRoom(roomId)?.getMyMembership() === 'invite', { what: `${b.userId} sees the invite` });
  await b.client.joinRoom(roomId);
  await a.client.sendTextMessage(roomId, `${label}: hello from ${a.userId}`);
  await b.client.sendTextMessage(roomId, `${label}: hello from ${b.userId}`);
  await roomMessages(a.client, roomId, new RegExp(`^${label}: hello`), 2);
  await roomMessages(b.client, roomId, new RegExp(`^${label}: hello`), 2);
  return roomId;
}

before(async () => {
  try {
    await server.start();
    ({ admin } = await provisionUsers(server, []));
  } catch (e) {
    state.failed = true;
    throw e;
  }
}, { timeout: 120_000 });

after(async () => {
  stopAll();
  await server.dispose({ failed: state.failed });
});

scenario('the operator creates two tenants with their own domains through the admin API', async () => {
  for (const t of Object.values(tenants)) {
    const res = await operator('POST', '/_bollwerk/admin/v1/tenants', { id: t.id, name: t.name, domains: [t.domain] });
    assert.equal(res.status, 201, show('POST', '/_bollwerk/admin/v1/tenants', res));
  }
  const list = await operator('GET', '/_bollwerk/admin/v1/tenants');
  assert.equal(list.status, 200, show('GET', '/_bollwerk/admin/v1/tenants', list));
  const text = JSON.stringify(list.body);
  for (const t of Object.values(tenants)) assert.ok(text.includes(t.id), `${t.id} is listed: ${text.slice(0, 300)}`);
});

scenario('users of each tenant log in with their tenant domain and chat inside their tenant', async () => {
  const alice = await person('alice', tenants.acme);
  const anna = await person('anna', tenants.acme);
  const bob = await person('bob', tenants.globex);
  const gina = await person('gina', tenants.globex);
  await chat(alice, anna, 'acme-internal');
  await chat(bob, gina, 'globex-internal');
}, { timeout: 90_000 });

scenario('a cross-tenant invite is refused until the operator makes the tenants partners, then it works', async () => {
  const alice = people.alice;
  const bob = people.bob;
  assert.ok(alice && bob, 'the users exist (earlier test)');
  const { room_id: roomId } = await alice.client.createRoom({ preset: Preset.PrivateChat, name: 'cross' });
  await assert.rejects(alice.client.invite(roomId, bob.userId), (e) => e.errcode === 'M_FORBIDDEN' && e.httpStatus === 403,
    'inviting a user of another tenant is refused with 403 M_FORBIDDEN');
  const profile = await raw(server.baseUrl, 'GET', `/_matrix/client/v3/profile/${encodeURIComponent(bob.userId)}`,
    { token: alice.creds.access_token });
  // Answered as for a user that does not exist, so that existence across tenants cannot be probed (issue 24).
  assert.equal(profile.status, 404, `profiles of another tenant are hidden: ${show('GET', '/profile', profile)}`);

  const partners = `/_bollwerk/admin/v1/tenants/${tenants.acme.id}/partners/${tenants.globex.id}`;
  const made = await operator('PUT', partners, {});
  assert.ok(made.status === 200 || made.status === 201, show('PUT', partners, made));

  await alice.client.invite(roomId, bob.userId);
  await eventually(() => bob.client.getRoom(roomId)?.getMyMembership() === 'invite', { what: 'bob sees the invite' });
  await bob.client.joinRoom(roomId);
  await alice.client.sendTextMessage(roomId, 'cross: partners can talk');
  await roomMessages(bob.client, roomId, /^cross: partners can talk$/, 1);
}, { timeout: 90_000 });
