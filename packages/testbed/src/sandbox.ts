// The testbed as a user's sandbox: the state `testbed up` leaves for the other commands, the shell
// variables that make it look like an AWS account with an EKS cluster, and its health.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { httpsRequest } from './_https.ts';
import type { TestbedInfo } from './testbed.ts';

/** What `testbed up` records for `down`, `status` and `aws`: its process and the testbed. */
export interface SandboxState {
  readonly pid: number;
  readonly info: TestbedInfo;
}

/** Where `testbed up` keeps its state: under KUBESHIP_CACHE (default ~/.cache/kubeship). */
export function sandboxStateFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.KUBESHIP_CACHE ?? join(homedir(), '.cache', 'kubeship'), 'testbed', 'state.json');
}

/** The recorded state, or undefined when no testbed was started (or it was stopped). */
export function readSandboxState(file = sandboxStateFile()): SandboxState | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SandboxState) : undefined;
}

/**
 * The shell variables that point kubectl, the AWS CLI, the AWS SDKs and kubeship at the testbed:
 * moto's endpoint, the access key its EKS token webhook accepts (random per start), the region in
 * both spellings (awscli v1 reads only AWS_DEFAULT_REGION), and the admin kubeconfig. Shared
 * config files are switched off so a profile of the user's own cannot redirect a command to AWS.
 */
export function sandboxVariables(info: TestbedInfo): Array<readonly [name: string, value: string]> {
  return [
    ['AWS_ENDPOINT_URL', info.aws.endpointUrl],
    ['AWS_ACCESS_KEY_ID', info.aws.credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', info.aws.credentials.secretAccessKey],
    ['AWS_REGION', info.region],
    ['AWS_DEFAULT_REGION', info.region],
    ['AWS_CONFIG_FILE', '/dev/null'],
    ['AWS_SHARED_CREDENTIALS_FILE', '/dev/null'],
    ['KUBECONFIG', info.adminKubeconfigPath],
  ];
}

const quoted = (value: string) =>
  /^[\w./:@=-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;

/** `export NAME=value` lines of {@link sandboxVariables}, ready for `eval` or a copy and paste. */
export function sandboxExports(info: TestbedInfo): string[] {
  return sandboxVariables(info).map(([name, value]) => `export ${name}=${quoted(value)}`);
}

/** What `testbed up` prints once the testbed is up (`awscli`: the path of the awscli it ships). */
export function sandboxReport(info: TestbedInfo, options: { seconds: number; awscli: string }): string {
  return [
    `testbed up in ${options.seconds.toFixed(1)} s`,
    `  apiserver    ${info.endpoint}`,
    `  EKS cluster  ${info.clusterName} in ${info.region} (account ${info.accountId}; DescribeCluster at moto answers with this apiserver)`,
    `  principal    ${info.aws.principalArn} (cluster-admin through the token webhook)`,
    `  awscli       ${options.awscli} (or ./dev aws ARGS, which sets the variables below)`,
    `  logs         ${join(info.dataDir, 'logs')} (webhook.log: one line per EKS token decision)`,
    'In another shell (the access key changes at every start):',
    ...sandboxExports(info).map((line) => `  ${line}`),
    "Ctrl-C or './dev testbed down' stops it.",
  ].join('\n');
}

/** Whether the recorded testbed answers: its process alive and the apiserver ready. */
export type SandboxHealth =
  | { readonly up: true; readonly pid: number; readonly endpoint: string }
  | { readonly up: false; readonly reason: string };

/** Whether a process with this id runs (signal 0). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Asks the recorded testbed's apiserver `/readyz` as the admin (client certificate of the admin
 * kubeconfig, 5 s at most): up when it answers 200, down with the reason otherwise.
 */
export async function sandboxHealth(state: SandboxState | undefined): Promise<SandboxHealth> {
  if (!state) return { up: false, reason: 'no testbed was started (./dev testbed up)' };
  if (!processAlive(state.pid))
    return { up: false, reason: `the process that started it (pid ${state.pid}) is gone` };
  const user = (parse(state.info.adminKubeconfig) as { users: Array<{ user: Record<string, string> }> })
    .users[0]?.user;
  const decode = (data: string | undefined) =>
    data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
  const cert = decode(user?.['client-certificate-data']);
  const key = decode(user?.['client-key-data']);
  try {
    const readyz = await httpsRequest(`${state.info.endpoint}/readyz`, {
      ca: state.info.caPem,
      ...(cert && key ? { cert, key } : {}),
    });
    return readyz.status === 200
      ? { up: true, pid: state.pid, endpoint: state.info.endpoint }
      : {
          up: false,
          reason: `the apiserver ${state.info.endpoint} is not ready (readyz: HTTP ${readyz.status})`,
        };
  } catch (error) {
    return {
      up: false,
      reason: `the apiserver ${state.info.endpoint} does not answer: ${(error as Error).message}`,
    };
  }
}
