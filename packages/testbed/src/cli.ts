// `pnpm testbed up|down|status`: the testbed for humans. `up` runs in the foreground (the
// token webhook lives in this process) until Ctrl-C or `down`.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { httpsRequest } from './_https.ts';
import { startTestbed, type TestbedInfo } from './testbed.ts';

const stateDir = join(process.env.KUBESHIP_CACHE ?? join(homedir(), '.cache', 'kubeship'), 'testbed');
const stateFile = join(stateDir, 'state.json');

interface State {
  readonly pid: number;
  readonly info: TestbedInfo;
}

function readState(): State | undefined {
  return existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as State) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function up(): Promise<number> {
  const running = readState();
  if (running && alive(running.pid)) {
    console.error(`a testbed is already up (pid ${running.pid}); run 'pnpm testbed down' first`);
    return 1;
  }
  const started = Date.now();
  const testbed = await startTestbed({ keepData: false });
  const { stop, restartApiServer: _, ...info } = testbed;
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(stateFile, JSON.stringify({ pid: process.pid, info } satisfies State), { mode: 0o600 });
  console.log(`testbed up in ${((Date.now() - started) / 1000).toFixed(1)} s
  apiserver   ${info.endpoint}
  kubeconfig  export KUBECONFIG=${info.adminKubeconfigPath}
  AWS (moto)  export AWS_ENDPOINT_URL=${info.aws.endpointUrl} AWS_REGION=${info.region}
  EKS cluster ${info.clusterName}
  logs        ${join(info.dataDir, 'logs')}
Ctrl-C or 'pnpm testbed down' stops it.`);
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
  if (!state || !alive(state.pid)) {
    rmSync(stateFile, { force: true });
    console.log('no testbed is up');
    return 0;
  }
  process.kill(state.pid, 'SIGTERM');
  for (let waited = 0; alive(state.pid); waited += 100) {
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
  if (!state || !alive(state.pid)) {
    console.log('down');
    return 3;
  }
  const readyz = await httpsRequest(`${state.info.endpoint}/readyz`, { ca: state.info.caPem }).catch(
    () => undefined,
  );
  console.log(
    `up (pid ${state.pid}), apiserver ${state.info.endpoint} ${readyz ? `HTTP ${readyz.status}` : 'unreachable'}`,
  );
  console.log(`KUBECONFIG=${state.info.adminKubeconfigPath}`);
  return 0;
}

const commands: Record<string, () => Promise<number>> = { up, down, status };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: pnpm testbed up|down|status');
  process.exitCode = 2;
} else {
  process.exitCode = await command();
}
