// Starts, stops and restarts a Bollwerk server for the tests, or points at one that is
// already running (BOLLWERK_URL + BOLLWERK_ADMIN_USER + BOLLWERK_ADMIN_PASSWORD).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_JAR = path.resolve(here, '..', '..', 'server', 'target', 'bollwerk.jar');
// BOLLWERK_IT_READY_TIMEOUT_MS: more time to start on a loaded machine (default 60 s).
const READY_TIMEOUT_MS = Number(process.env.BOLLWERK_IT_READY_TIMEOUT_MS) || 60_000;
const STOP_TIMEOUT_MS = 30_000;
// These suites drive matrix-js-sdk without its crypto module; such a client cannot send into an
// encrypted room, so their server does not encrypt new private rooms by default (E2EE has its own suite).
export const PLAIN_CLIENT_ENV = { BOLLWERK_E2EE_DEFAULT: 'off' };

const PASSTHROUGH_ENV = ['BOLLWERK_DATABASE_URL', 'BOLLWERK_DATABASE_USER', 'BOLLWERK_DATABASE_PASSWORD'];

/** A free TCP port on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function javaBinary() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The last `lines` lines of a file, or a note that it is missing. */
export function tail(file, lines = 60) {
  if (!file || !existsSync(file)) return `(no log file ${file})`;
  // Java stack frames crowd out the messages that say what went wrong: leave them out.
  const all = readFileSync(file, 'utf8').split('\n')
    .filter((l) => !/^\s+at |^\s+\.\.\. \d+ (common frames omitted|more)/.test(l));
  return all.slice(-lines).join('\n');
}

/** Whether the tests run against a server that someone else started. */
export function usingExternalServer() {
  return Boolean(process.env.BOLLWERK_URL);
}

/**
 * One Bollwerk server under test. `start()` launches the jar (or checks the external URL),
 * `stop()` sends SIGTERM and waits, `restart()` starts again on the same data dir and port.
 */
export class BollwerkServer {
  // env: extra server settings for this suite, e.g. { BOLLWERK_E2EE_DEFAULT: 'off' } for clients without crypto.
  constructor({ name = 'server', env = {} } = {}) {
    this.name = name;
    this.extraEnv = env;
    this.external = usingExternalServer();
    this.proc = null;
    this.exited = null; // promise resolved with {code, signal} when the process exits
    this.startCount = 0;
    this.keepDataDir = false;
    if (this.external) {
      this.baseUrl = process.env.BOLLWERK_URL.replace(/\/+$/, '');
      this.adminUser = process.env.BOLLWERK_ADMIN_USER || 'admin';
      this.adminPassword = process.env.BOLLWERK_ADMIN_PASSWORD;
      if (!this.adminPassword) {
        throw new Error('BOLLWERK_URL is set, so BOLLWERK_ADMIN_PASSWORD (and BOLLWERK_ADMIN_USER, default "admin") must name a server admin');
      }
    } else {
      this.jar = process.env.BOLLWERK_JAR || DEFAULT_JAR;
      this.dataDir = mkdtempSync(path.join(os.tmpdir(), `bollwerk-clients-it-${name}-`));
      this.logFile = path.join(this.dataDir, 'server.log');
      this.adminUser = 'admin';
      this.adminPassword = randomBytes(18).toString('base64url');
    }
  }

  get canRestart() {
    return !this.external;
  }

  async start() {
    if (this.external) {
      await this.#waitReady(null);
      return this;
    }
    if (!process.env.BOLLWERK_IT_SERVER_COMMAND && !existsSync(this.jar)) {
      throw new Error(`Server jar ${this.jar} does not exist: build it first with ` +
        '`bin/with-jdk ./mvnw -B -DskipTests -pl matrix-core,server install` (or run `./mvnw verify` from the root)');
    }
    if (!this.port) this.port = await freePort();
    this.baseUrl = `http://127.0.0.1:${this.port}`;
    const env = {
      ...process.env,
      SERVER_PORT: String(this.port),
      BOLLWERK_DATA_DIR: path.join(this.dataDir, 'data'),
      BOLLWERK_SERVER_NAME: 'localhost',
      BOLLWERK_ADMIN_USER: this.adminUser,
      BOLLWERK_ADMIN_PASSWORD: this.adminPassword,
      // the suites create users through the admin API with a password-login token (no portal, no TOTP)
      BOLLWERK_ADMIN_REQUIRE_SECOND_FACTOR: 'false',
      ...this.extraEnv,
    };
    for (const k of PASSTHROUGH_ENV) if (process.env[k]) env[k] = process.env[k];
    const javaOpts = (process.env.BOLLWERK_IT_JAVA_OPTS || '').split(/\s+/).filter(Boolean);
    const log = createWriteStream(this.logFile, { flags: 'a' });
    this.startCount += 1;
    log.write(`\n===== clients-it: start #${this.startCount} of ${this.jar} on port ${this.port} at ${new Date().toISOString()} =====\n`);
    // BOLLWERK_IT_SERVER_COMMAND: another way to launch the server (a profiler, a wrapper script),
    // run by the shell with the same environment; `exec` it so that SIGTERM reaches the server.
    const command = process.env.BOLLWERK_IT_SERVER_COMMAND;
    const proc = command
      ? spawn('/bin/sh', ['-c', command], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(javaBinary(), [...javaOpts, '-jar', this.jar], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.pipe(log, { end: false });
    proc.stderr.pipe(log, { end: false });
    this.proc = proc;
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => resolve({ code, signal }));
      proc.on('error', (err) => resolve({ code: null, signal: null, error: err }));
    });
    killOnExit.add(proc);
    this.exited.then(() => killOnExit.delete(proc));
    const t0 = Date.now();
    try {
      await this.#waitReady(this.exited);
      process.stderr.write(`[clients-it] ${this.name} server ready at ${this.baseUrl} after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    } catch (e) {
      this.keepDataDir = true;
      await this.stop().catch(() => {});
      this.#printTail();
      throw new Error(`${e.message} (the tail of its log is printed above; full log: ${this.logFile})`);
    }
    return this;
  }

  async #waitReady(exited) {
    const url = `${this.baseUrl}/_matrix/client/versions`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = 'no answer yet';
    let gone = null;
    exited?.then((x) => { gone = x; });
    while (Date.now() < deadline) {
      if (gone) {
        throw new Error(`Bollwerk exited before it was ready (code ${gone.code}, signal ${gone.signal}${gone.error ? `, ${gone.error.message}` : ''})`);
      }
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        if (res.status === 200) return;
        last = `GET /_matrix/client/versions -> ${res.status} ${(await res.text()).slice(0, 300)}`;
      } catch (e) {
        last = `GET /_matrix/client/versions failed: ${e.cause?.code || e.message}`;
      }
      await sleep(250);
    }
    throw new Error(`Bollwerk at ${this.baseUrl} was not ready within ${READY_TIMEOUT_MS / 1000}s; last: ${last}`);
  }

  /** SIGTERM, wait for the exit (SIGKILL after 30 s). Returns {code, signal, graceful}. */
  async stop({ graceMs = STOP_TIMEOUT_MS } = {}) {
    if (this.external || !this.proc) return null;
    const proc = this.proc;
    this.proc = null;
    if (proc.exitCode !== null || proc.signalCode !== null) return { code: proc.exitCode, signal: proc.signalCode, graceful: false };
    const t0 = Date.now();
    proc.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), graceMs); });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result) {
      process.stderr.write(`[clients-it] ${this.name} server exited ${((Date.now() - t0) / 1000).toFixed(1)} s after SIGTERM (code ${result.code}, signal ${result.signal})\n`);
      return { ...result, graceful: true, seconds: (Date.now() - t0) / 1000 };
    }
    proc.kill('SIGKILL');
    return { ...(await this.exited), graceful: false };
  }

  async restart() {
    if (!this.canRestart) throw new Error('cannot restart an external server');
    const stopped = await this.stop();
    await this.start();
    return stopped;
  }

  #printTail() {
    this.tailPrinted = true;
    process.stderr.write(`\n--- last lines of the ${this.name} server log ${this.logFile} ---\n${this.logTail()}\n--- end of server log ---\n`);
  }

  logTail(lines = 60) {
    return this.external ? '(external server: no log here)' : tail(this.logFile, lines);
  }

  /** Stops the server; removes the temp dir unless a test failed (then prints where it is). */
  async dispose({ failed = false } = {}) {
    // 10 s, then SIGKILL: a server may hold open /sync long-polls for their full timeout.
    await this.stop({ graceMs: 10_000 });
    if (this.external) return;
    if (failed || this.keepDataDir || process.env.BOLLWERK_IT_KEEP_DATA) {
      if (!this.tailPrinted) this.#printTail();
      process.stderr.write(`[clients-it] kept ${this.dataDir} for inspection\n`);
    } else {
      rmSync(this.dataDir, { recursive: true, force: true });
    }
  }
}

// Never leave a server behind, even if the test process dies on an uncaught error or a signal.
const killOnExit = new Set();
process.on('exit', () => { for (const p of killOnExit) { try { p.kill('SIGKILL'); } catch { /* gone */ } } });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => { for (const p of killOnExit) { try { p.kill('SIGKILL'); } catch { /* gone */ } } process.exit(130); });
}
