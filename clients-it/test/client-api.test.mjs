// Client-server additions of issue 23 with the real matrix-js-sdk: signing in a new device with a login
// token from a signed-in one (POST /login/get_token, m.login.token) and extended profile fields (v1.16).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { PLAIN_CLIENT_ENV, BollwerkServer } from '../lib/server.mjs';
import {
  clientFor, provisionUsers, raw, recordingFetch, scenario, sdk, sdkLogin, show, state, stopAll,
} from '../lib/matrix.mjs';

const server = new BollwerkServer({ name: 'client-api', env: PLAIN_CLIENT_ENV });
let users;

before(async () => {
  try {
    await server.start();
    ({ users } = await provisionUsers(server, ['alice', 'bob']));
  } catch (e) {
    state.failed = true;
    throw e;
  }
}, { timeout: 300_000 });

after(async () => {
  stopAll();
  await server.dispose({ failed: state.failed });
});

const bareClient = () => sdk.createClient({ baseUrl: server.baseUrl, fetchFn: recordingFetch });

scenario('a signed-in device gets a login token after re-entering the password, and a new device signs in with it once', async () => {
  const alice = users.alice;
  const creds = await sdkLogin(server.baseUrl, alice);
  const client = clientFor(server.baseUrl, creds, 'alice');

  const caps = await client.getCapabilities();
  assert.equal(caps['m.get_login_token']?.enabled, true, JSON.stringify(caps));
  const { flows } = await bareClient().loginFlows();
  assert.ok(flows.some((f) => f.type === 'm.login.token' && f.get_login_token === true), JSON.stringify(flows));

  // first without auth: the 401 of user-interactive auth, with the password stage and a session
  let session;
  await assert.rejects(client.requestLoginToken(), (e) => {
    assert.equal(e.httpStatus, 401);
    assert.ok(JSON.stringify(e.data.flows).includes('m.login.password'));
    session = e.data.session;
    return true;
  });
  const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: alice.userId }, password: alice.password, session };
  await assert.rejects(client.requestLoginToken({ ...auth, password: 'wrong' }), (e) => e.httpStatus === 401 && e.errcode === 'M_FORBIDDEN');
  const issued = await client.requestLoginToken(auth);
  assert.ok(issued.login_token, JSON.stringify(issued));
  assert.equal(issued.expires_in_ms, 120_000);

  // the new device: a bare client, as an app's "sign in with QR code / link" screen
  const fresh = await bareClient().loginRequest({ type: 'm.login.token', token: issued.login_token, initial_device_display_name: 'new phone' });
  assert.equal(fresh.user_id, alice.userId);
  assert.notEqual(fresh.device_id, creds.device_id);
  const whoami = await clientFor(server.baseUrl, fresh, 'alice-new').whoami();
  assert.equal(whoami.user_id, alice.userId);
  assert.equal(whoami.device_id, fresh.device_id);

  await assert.rejects(bareClient().loginRequest({ type: 'm.login.token', token: issued.login_token }),
    (e) => e.httpStatus === 403 && e.errcode === 'M_FORBIDDEN');
});

scenario('extended profile fields are set, read by another user and deleted through js-sdk', async () => {
  const alice = clientFor(server.baseUrl, await sdkLogin(server.baseUrl, users.alice), 'alice');
  const bob = clientFor(server.baseUrl, await sdkLogin(server.baseUrl, users.bob), 'bob');
  assert.equal(await alice.doesServerSupportExtendedProfiles(), true);
  await alice.setExtendedProfileProperty('m.tz', 'Europe/Berlin');
  await alice.setExtendedProfileProperty('org.example.job_title', { de: 'Referentin', en: 'Officer' });

  assert.equal(await bob.getExtendedProfileProperty(users.alice.userId, 'm.tz'), 'Europe/Berlin');
  const whole = await bob.getExtendedProfile(users.alice.userId);
  assert.equal(whole.displayname, 'Alice');
  assert.deepEqual(whole['org.example.job_title'], { de: 'Referentin', en: 'Officer' });

  await alice.deleteExtendedProfileProperty('org.example.job_title');
  const path = `/_matrix/client/v3/profile/${encodeURIComponent(users.alice.userId)}/org.example.job_title`;
  const gone = await raw(server.baseUrl, 'GET', path, { token: bob.getAccessToken() });
  assert.equal(gone.status, 404, show('GET', path, gone));
});
