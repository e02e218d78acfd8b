#!/usr/bin/env node
import { homedir } from 'node:os';
import { main } from './main.js';

/** After the command finished, the process should exit by itself; if a handle keeps it alive, say so and go. */
const EXIT_GRACE_MS = 3_000;

const exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  writeError: (line) => process.stderr.write(`${line}\n`),
  // Getters: a command that never reads stdin must not open it.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  homeDir: homedir(),
});
process.exitCode = exitCode;
setTimeout(() => {
  const handles = process.getActiveResourcesInfo().filter((name) => name !== 'Timeout');
  process.stderr.write(
    `ringtail: still running ${EXIT_GRACE_MS} ms after finishing (open: ${handles.join(', ')}); exiting\n`,
  );
  process.exit(exitCode);
}, EXIT_GRACE_MS).unref();
