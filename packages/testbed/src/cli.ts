// `./dev testbed up|down|status` and `./dev aws ARGS`: the testbed for humans. `up` runs in the
// foreground (the token webhook lives in this process) until Ctrl-C or `down`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { resolveVenv } from './_toolchain.ts';
import {
  processAlive,
  readSandboxState,
  type SandboxState,
  sandboxHealth,
  sandboxReport,
  sandboxStateFile,
  sandboxVariables,
} from './sandbox.ts';
import { startTestbed } from './testbed.ts';

const stateFile = sandboxStateFile();
const readState = () => readSandboxState(stateFile);

async function up(): Promise<number> {
  const running = readState();
  if (running && processAlive(running.pid)) {
    console.error(`a testbed is already up (pid ${running.pid}); run './dev testbed down' first`);
    return 1;
  }
  const started = Date.now();
  const testbed = await startTestbed({ keepData: false });
  const { stop, restartApiServer: _, ...info } = testbed;
  mkdirSync(dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, JSON.stringify({ pid: process.pid, info } satisfies SandboxState), {
    mode: 0o600,
  });
  const awscli = join(resolveVenv(), 'bin', 'aws');
  console.log(sandboxReport(info, { seconds: (Date.now() - started) / 1000, awscli }));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
  rmSync(stateFile, { force: true });
  console.log('testbed stopped');
  return 0;
}

async function down(): Promise<number> {
  const state = readState();
  if (!state || !processAlive(state.pid)) {
    rmSync(stateFile, { force: true });
    console.log('no testbed is up');
    return 0;
  }
  process.kill(state.pid, 'SIGTERM');
  for (let waited = 0; processAlive(state.pid); waited += 100) {
    if (waited > 30_000) {
      console.error(`testbed (pid ${state.pid}) did not stop within 30 s`);
      return 1;
    }
    await delay(100);
  }
  console.log('testbed stopped');
  return 0;
}

async function status(): Promise<number> {
  const state = readState();
  const health = await sandboxHealth(state);
  if (!health.up) {
    console.log(`down: ${health.reason}`);
    return 3;
  }
  console.log(`up (pid ${health.pid}), apiserver ${health.endpoint} ready`);
  console.log(`KUBECONFIG=${state?.info.adminKubeconfigPath}`);
  return 0;
}

/** `aws ARGS`: the testbed's awscli v1 with the variables of the running testbed. */
async function aws(): Promise<number> {
  const state = readState();
  if (!state || !processAlive(state.pid)) {
    console.error("no testbed is up: start one with './dev testbed up'");
    return 3;
  }
  const { AWS_PROFILE: _, ...env } = process.env;
  const run = spawnSync(join(resolveVenv(), 'bin', 'aws'), process.argv.slice(3), {
    stdio: 'inherit',
    env: { ...env, ...Object.fromEntries(sandboxVariables(state.info)) },
  });
  return run.status ?? 1;
}

const commands: Record<string, () => Promise<number>> = { up, down, status, aws };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: ./dev testbed up|down|status, ./dev aws ARGS');
  process.exitCode = 2;
} else {
  process.exitCode = await command();
}
