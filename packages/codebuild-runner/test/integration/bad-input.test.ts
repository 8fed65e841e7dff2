// The bad-input corpus: the built `kubeship` against the shared testbed with well over a hundred
// inputs a new user gets wrong (flags, environment, output paths, config files, templates, SSM and
// AWS, cluster states, the runtime). Each case asserts its exit code, that the message names the
// flag / variable / file / field / parameter, that it is never an "internal error", and that
// nothing changed in the cluster: the resourceVersion of every object in the namespaces it
// touches, and the namespace list, are the same before and after. At the end every output of the
// corpus is scanned for an SSM SecureString canary (raw, base64, base64url, URL-encoded, hex).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { aws, putParameter, type TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { concurrencyLimit } from '../../../core/src/config/_read.ts';
import { adminClients } from '../../../testbed/test/helpers.ts';
import { removeTempDirs, tempDir } from '../harness.ts';
import { buildCli, cliEnv, type ProcessRun, runProcess } from './_cli.ts';
import { errorReportSchema } from './_report-schema.ts';

type Clients = Awaited<ReturnType<typeof adminClients>>;

/** Where a case writes its config and files; `ns` is the namespace it deploys to. */
interface Setup {
  readonly ns: string;
  readonly own: string;
}

/** One bad input. */
interface Case {
  readonly name: string;
  readonly class: string;
  readonly args: readonly string[];
  /** The kubeship.config.yaml (an object, stringified) or raw files. */
  readonly config?: (s: Setup) => Record<string, unknown>;
  readonly files?: (s: Setup) => Record<string, string | Buffer>;
  readonly env?: (s: Setup) => Record<string, string | undefined>;
  readonly code: number;
  /** Each must occur in stdout + stderr: the flag, variable, file, field or object named. */
  readonly names: (s: Setup, dir: string) => ReadonlyArray<string | RegExp>;
  /** None may occur in stdout + stderr (a word that would mislead). */
  readonly absent?: readonly string[];
  /** Also run with `--output json` and check the error document. */
  readonly json?: string;
  /** Needs a namespace of its own (it reaches the cluster's write path: lease, dry-run). */
  readonly ownNamespace?: (clients: Clients, ns: string) => Promise<void>;
  /** Runs with this Node instead of the project's. */
  readonly node?: string;
  readonly maxMs?: number;
}

const RUN = randomBytes(3).toString('hex');
const PREFIX = `bad-${RUN}`;
const SSM_PATH = `/${PREFIX}`;
const CANARY = `kubeship canary/${randomBytes(9).toString('hex')}+&=?`;
const CANARY_PARAMETER = `${SSM_PATH}/DB_PASSWORD`;
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => existsSync(p));

let bin: string;
let info: TestbedInfo;
let clients: Clients;
let shared: string;
let silent: Server;
let silentPort = 0;
/** A loopback port nothing listens on (fetch refuses to use port 1 at all). */
let closedPort = 0;
const sockets = new Set<Socket>();
const namespaces: string[] = [];
/** Each namespace's state before the corpus ran. */
const baseline = new Map<string, Record<string, string>>();
/** Every output of the corpus, for the canary scan. */
const outputs: Array<{ name: string; text: string }> = [];

// ---- building blocks of configs -------------------------------------------------------------

const app = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  image: 'registry.local/web:1',
  ports: [{ name: 'http', containerPort: 8080 }],
  probes: { readiness: false },
  ...extra,
});
const environment = (ns: string, extra: Record<string, unknown> = {}) => ({
  cluster: { name: info.clusterName, region: info.region },
  namespace: ns,
  timeoutSeconds: 30,
  ...extra,
});
const appConfig =
  (appExtra: Record<string, unknown> = {}, envExtra: Record<string, unknown> = {}) =>
  (s: Setup) => ({ app: app(appExtra), environments: { test: environment(s.ns, envExtra) } });
const templateConfig =
  (files: string[], envExtra: Record<string, unknown> = {}, templates: Record<string, unknown> = {}) =>
  (s: Setup) => ({
    templates: { files, name: 'web', imageRepository: 'registry.local/web', ...templates },
    environments: { test: environment(s.ns, envExtra) },
  });
const deployment = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: registry.local/web:1 }] }
${extra}`;
const configMap = (name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}${extra} }\ndata: { A: "1" }\n`;
const withSsm = { ssm: { paths: [SSM_PATH] } };
/** A kubeconfig whose one context, `silent`, points at `server` (plain HTTP, so no TLS to wait for). */
const kubeconfigFor = (server: string) =>
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'silent', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'silent', user: { token: 'not-a-secret' } }],
    contexts: [{ name: 'silent', context: { cluster: 'silent', user: 'silent' } }],
    'current-context': 'silent',
  });

// ---- the corpus -------------------------------------------------------------------------------

const numericFlag = (flag: string, values: string[], command = 'deploy'): Case[] =>
  values.map((value) => ({
    name: `${command} --${flag} ${JSON.stringify(value)}`,
    class: 'numbers without bounds',
    args: [command, `--${flag}=${value}`],
    config: appConfig(),
    code: 2,
    names: () => [`--${flag}: must be a whole number`],
  }));
const numericEnv = (name: string, values: string[]): Case[] =>
  values.map((value) => ({
    name: `${name}=${JSON.stringify(value)}`,
    class: 'numbers without bounds',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({ [name]: value }),
    code: 2,
    names: () => [`${name}: must be a whole number`],
  }));

const CASES: Case[] = [
  // -- argv
  { name: 'no command', class: 'argv', args: [], code: 2, names: () => ['usage: kubeship <command>'] },
  {
    name: 'unknown command',
    class: 'argv',
    args: ['deplyo'],
    code: 2,
    names: () => ['unknown command "deplyo"'],
  },
  {
    name: 'a stray positional word',
    class: 'argv',
    args: ['deploy', 'prod'],
    config: appConfig(),
    code: 2,
    names: () => ["'prod'"],
  },
  {
    name: 'an unknown option',
    class: 'argv',
    args: ['deploy', '--tiemout', '5'],
    config: appConfig(),
    code: 2,
    names: () => ['--tiemout'],
  },
  {
    name: 'an option without its value',
    class: 'argv',
    args: ['deploy', '--timeout'],
    config: appConfig(),
    code: 2,
    names: () => ['--timeout'],
  },
  {
    name: 'an option given twice',
    class: 'argv',
    args: ['deploy', '--timeout', '5', '--timeout', '50'],
    config: appConfig(),
    code: 2,
    names: () => ['--timeout given more than once'],
  },
  {
    name: 'render --output (render prints only YAML)',
    class: 'flags accepted but ignored',
    args: ['render', '--output', 'json'],
    config: appConfig(),
    code: 2,
    names: () => ["Unknown option '--output'"],
  },
  {
    name: 'rollback --no-rollback',
    class: 'flags accepted but ignored',
    args: ['rollback', '--no-rollback'],
    config: appConfig(),
    code: 2,
    names: () => ["Unknown option '--no-rollback'"],
  },
  {
    name: 'an unknown --output value',
    class: 'enums',
    args: ['deploy', '--output', 'yaml'],
    config: appConfig(),
    code: 2,
    names: () => ['--output: must be human or json, not "yaml"'],
  },
  {
    name: 'an empty --output',
    class: 'enums',
    args: ['deploy', '--output', ''],
    config: appConfig(),
    code: 2,
    names: () => ['--output: must not be empty'],
  },
  {
    name: 'status --output JSON (case matters)',
    class: 'enums',
    args: ['status', '--output', 'JSON'],
    config: appConfig(),
    code: 2,
    names: () => ['--output: must be human or json'],
  },
  ...numericFlag('timeout', [
    'abc',
    '0',
    '-5',
    '1.5',
    '1e3',
    '99999999999999999999',
    '2147483648',
    '21601',
    '12abc',
  ]),
  ...numericFlag('wait-for-lock', ['soon', '-1', '99999999']),
  ...numericFlag('to-revision', ['0', 'two', '2147483648'], 'rollback'),
  ...numericEnv('KUBESHIP_PROGRESS_INTERVAL', ['abc', '0', '99999']),
  ...numericEnv('KUBESHIP_AWS_TIMEOUT', ['fast', '0', '601']),
  ...numericEnv('KUBESHIP_KUBE_TIMEOUT', ['slow', '0', '601', '1.5']),
  {
    name: 'several problems at once: each named',
    class: 'argv',
    args: ['deploy', '--output', 'xml', '--timeout', 'never', '--image', 'Bad Image'],
    config: appConfig(),
    code: 2,
    names: () => ['3 problems', '--output', '--timeout', '--image'],
  },
  {
    name: '--image with whitespace',
    class: 'argv',
    args: ['deploy', '--image', 'registry.local/web 1'],
    config: appConfig(),
    code: 2,
    names: () => ['--image: not a valid image reference'],
  },
  {
    name: '--image with an uppercase repository',
    class: 'argv',
    args: ['deploy', '--image', 'registry.local/Web:1'],
    config: appConfig(),
    code: 2,
    names: () => ['--image: not a valid image reference'],
  },
  {
    name: '--image with a short digest',
    class: 'argv',
    args: ['deploy', '--image', 'registry.local/web@sha256:abc'],
    config: appConfig(),
    code: 2,
    names: () => ['--image', 'digest'],
  },
  {
    name: '--tag with a slash',
    class: 'argv',
    args: ['deploy', '--tag', 'feature/x'],
    config: appConfig(),
    code: 2,
    names: () => ['--tag: must be an image tag', '"feature/x"'],
  },
  {
    name: '--tag starting with a dot',
    class: 'argv',
    args: ['deploy', '--tag', '.hidden'],
    config: appConfig(),
    code: 2,
    names: () => ['--tag: must be an image tag'],
  },
  {
    name: '--image and --tag together',
    class: 'argv',
    args: ['deploy', '--image', 'registry.local/web:2', '--tag', '3'],
    config: appConfig(),
    code: 2,
    names: () => ['give --image or --tag, not both'],
  },
  {
    name: '--env that is no environment name',
    class: 'argv',
    args: ['deploy', '--env', 'Prod'],
    config: appConfig(),
    code: 2,
    names: () => ['--env: must be an environment name', '"Prod"'],
  },
  {
    name: '--env naming no environment of the file',
    class: 'argv',
    args: ['deploy', '--env', 'staging'],
    config: appConfig(),
    code: 2,
    names: (_, dir) => [`${join(dir, 'kubeship.config.yaml')} has no environment "staging" (it has test)`],
  },
  {
    name: 'render --reveal-secrets without --resolve-ssm',
    class: 'argv',
    args: ['render', '--reveal-secrets'],
    config: appConfig(),
    code: 2,
    names: () => ['--reveal-secrets: needs --resolve-ssm'],
  },
  {
    name: 'token --region that is no region',
    class: 'argv',
    args: ['token', '--cluster-name', 'c', '--region', 'moon-1'],
    code: 2,
    names: () => ['--region: must be an AWS region', '"moon-1"'],
  },
  {
    name: 'token --role-arn that is no role ARN',
    class: 'argv',
    args: ['token', '--cluster-name', 'c', '--region', 'us-east-1', '--role-arn', 'arn:aws:iam::1:user/x'],
    code: 2,
    names: () => ['--role-arn: must be an IAM role ARN'],
  },
  {
    name: 'token --cluster-name that no EKS cluster can have',
    class: 'argv',
    args: ['token', '--cluster-name', 'bad name!', '--region', 'us-east-1'],
    code: 2,
    names: () => ['"bad name!" is not an EKS cluster name'],
  },
  {
    name: 'token --cluster-name without any region',
    class: 'argv',
    args: ['token', '--cluster-name', 'c'],
    env: () => ({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }),
    code: 2,
    names: () => ['--region (or AWS_REGION) is required'],
  },
  {
    name: 'promote --from and --to the same environment',
    class: 'argv',
    args: ['promote', '--from', 'test', '--to', 'test'],
    config: appConfig(),
    code: 2,
    names: () => ['--from and --to name the same environment'],
  },
  {
    name: 'promote without --to',
    class: 'argv',
    args: ['promote', '--from', 'test'],
    config: appConfig(),
    code: 2,
    names: () => ['--to <env>'],
  },
  {
    name: 'promote --to that is no environment name',
    class: 'argv',
    args: ['promote', '--from', 'test', '--to', 'PROD'],
    config: appConfig(),
    code: 2,
    names: () => ['--to: must be an environment name'],
  },

  // -- environment variables
  {
    name: 'KUBESHIP_ENV that is no environment name',
    class: 'environment variables',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({ KUBESHIP_ENV: 'UAT' }),
    code: 2,
    names: () => ['KUBESHIP_ENV: must be an environment name'],
  },
  {
    name: 'KUBESHIP_ENV naming no environment of the file',
    class: 'environment variables',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({ KUBESHIP_ENV: 'uat' }),
    code: 2,
    names: () => ['has no environment "uat"'],
  },
  {
    name: 'AWS_REGION that is no region',
    class: 'environment variables',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({ AWS_REGION: 'moon-1' }),
    code: 2,
    json: 'INVALID_INPUT',
    names: () => ['AWS_REGION: must be an AWS region', '"moon-1"'],
  },
  {
    name: 'AWS_DEFAULT_REGION that is no region',
    class: 'environment variables',
    args: ['render'],
    config: appConfig(),
    env: () => ({ AWS_DEFAULT_REGION: 'useast1' }),
    code: 2,
    names: () => ['AWS_DEFAULT_REGION: must be an AWS region'],
  },
  {
    name: 'AWS_ENDPOINT_URL that is no URL',
    class: 'environment variables',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({ AWS_ENDPOINT_URL: 'localhost:4566' }),
    code: 2,
    names: () => ['AWS_ENDPOINT_URL: must be an http(s) URL'],
  },
  {
    name: 'AWS_ENDPOINT_URL_SSM with another scheme',
    class: 'environment variables',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({ AWS_ENDPOINT_URL_SSM: 'ftp://127.0.0.1' }),
    code: 2,
    names: () => ['AWS_ENDPOINT_URL_SSM: must be an http(s) URL'],
  },
  {
    name: 'CODEBUILD_RESOLVED_SOURCE_VERSION that is no image tag',
    class: 'environment variables',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({ CODEBUILD_RESOLVED_SOURCE_VERSION: 'refs/heads/main' }),
    code: 2,
    names: () => ['CODEBUILD_RESOLVED_SOURCE_VERSION: must be an image tag', '--tag'],
  },
  {
    name: 'in CodeBuild without a source version or --tag',
    class: 'environment variables',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({ CODEBUILD_BUILD_ID: 'web:1' }),
    code: 2,
    names: () => ['CODEBUILD_RESOLVED_SOURCE_VERSION is not set'],
  },

  // -- output paths
  {
    name: '--exports naming a directory',
    class: 'output paths',
    args: ['deploy', '--exports', 'out'],
    config: appConfig(),
    files: () => ({ 'out/.keep': '' }),
    code: 2,
    names: (_, dir) => [`--exports: cannot write ${join(dir, 'out')}: it is a directory`],
  },
  {
    name: '--exports under a regular file',
    class: 'output paths',
    args: ['deploy', '--exports', 'notes.txt/deploy.env'],
    config: appConfig(),
    files: () => ({ 'notes.txt': 'x' }),
    code: 2,
    names: () => ['--exports: cannot write', 'ENOTDIR'],
  },
  {
    name: '--report-junit naming a directory',
    class: 'output paths',
    args: ['deploy', '--report-junit', '.'],
    config: appConfig(),
    code: 2,
    names: () => ['--report-junit: cannot write', 'it is a directory'],
  },
  {
    name: '--report-junit and --exports naming one file',
    class: 'output paths',
    args: ['deploy', '--report-junit', 'report', '--exports', './report'],
    config: appConfig(),
    code: 2,
    names: () => ['--report-junit: names the same file as --exports'],
  },
  {
    name: '--exports in /proc',
    class: 'output paths',
    args: ['deploy', '--exports', '/proc/kubeship/deploy.env'],
    config: appConfig(),
    code: 2,
    names: () => ['--exports: cannot write /proc/kubeship/deploy.env'],
  },
  {
    name: 'an empty --exports',
    class: 'output paths',
    args: ['deploy', '--exports', ''],
    config: appConfig(),
    code: 2,
    names: () => ['--exports: must not be empty'],
  },
  {
    name: 'deploy --evidence naming a regular file',
    class: 'output paths',
    args: ['deploy', '--evidence', 'evidence.txt'],
    config: appConfig(),
    files: () => ({ 'evidence.txt': 'not a directory' }),
    code: 2,
    names: (_, dir) => [`--evidence: ${join(dir, 'evidence.txt')} exists and is not a directory`],
    json: 'INVALID_INPUT',
  },
  {
    name: 'deploy --evidence-s3 that is not an s3:// location',
    class: 'output paths',
    args: ['deploy', '--evidence-s3', 'https://bucket.s3.amazonaws.com/prefix'],
    config: appConfig(),
    code: 2,
    names: () => ['--evidence-s3: must be s3://<bucket>[/<prefix>]'],
  },
  {
    name: 'deploy --evidence-s3 with an invalid bucket name',
    class: 'output paths',
    args: ['deploy', '--evidence-s3', 's3://Evidence_Bucket/x'],
    config: appConfig(),
    code: 2,
    names: () => ['--evidence-s3', '"s3://Evidence_Bucket/x"'],
  },
  {
    name: 'deploy --evidence-kms-key without --evidence-s3',
    class: 'output paths',
    args: ['deploy', '--evidence', 'ev', '--evidence-kms-key', 'alias/evidence'],
    config: appConfig(),
    code: 2,
    names: () => ['--evidence-kms-key: encrypts the upload: give it with --evidence-s3'],
  },
  {
    name: 'deploy --evidence-always without a destination',
    class: 'output paths',
    args: ['deploy', '--evidence-always'],
    config: appConfig(),
    code: 2,
    names: () => ['--evidence-always: needs --evidence <dir> or --evidence-s3 <uri>'],
  },
  {
    name: 'check --evidence (check changes nothing and writes no bundle)',
    class: 'flags accepted but ignored',
    args: ['check', '--evidence', 'ev'],
    config: appConfig(),
    code: 2,
    names: () => ["Unknown option '--evidence'"],
  },
  {
    name: 'check --wait-for-lock (check takes no lease)',
    class: 'flags accepted but ignored',
    args: ['check', '--wait-for-lock', '5'],
    config: appConfig(),
    code: 2,
    names: () => ["Unknown option '--wait-for-lock'"],
  },
  {
    name: 'check --tag that is not a tag',
    class: 'argv',
    args: ['check', '--tag', 'bad tag!'],
    config: appConfig(),
    code: 2,
    names: () => ['--tag: must be an image tag'],
    json: 'INVALID_INPUT',
  },
  {
    name: 'render --out naming a directory',
    class: 'output paths',
    args: ['render', '--out', 'rendered'],
    config: appConfig(),
    files: () => ({ 'rendered/.keep': '' }),
    code: 2,
    names: () => ['--out: cannot write', 'it is a directory'],
  },
  {
    name: 'kubeconfig --out under a regular file',
    class: 'output paths',
    args: ['kubeconfig', '--cluster-name', 'c', '--region', 'us-east-1', '--out', 'file/kubeconfig'],
    files: () => ({ file: '' }),
    code: 2,
    names: () => ['--out: cannot write', 'ENOTDIR'],
  },
  {
    name: 'rollback --exports naming a directory',
    class: 'output paths',
    args: ['rollback', '--exports', '/tmp'],
    config: appConfig(),
    code: 2,
    names: () => ['--exports: cannot write /tmp: it is a directory'],
  },
  {
    name: 'a valid deploy whose --report-junit cannot be written is refused before it runs',
    class: 'output paths',
    args: ['deploy', '--tag', 'two', '--report-junit', 'ro/junit.xml'],
    config: appConfig(),
    files: () => ({ ro: 'a file, not a directory' }),
    code: 2,
    names: () => ['--report-junit: cannot write', 'ENOTDIR'],
  },

  // -- config files
  {
    name: 'no config file',
    class: 'config file',
    args: ['deploy'],
    code: 2,
    names: (_, dir) => [`no config file in ${dir}`],
  },
  {
    name: '--config naming a missing file',
    class: 'config file',
    args: ['deploy', '--config', 'nope.yaml'],
    code: 2,
    names: (_, dir) => [`config file ${join(dir, 'nope.yaml')} does not exist`],
  },
  {
    name: 'YAML that does not parse',
    class: 'config file',
    args: ['deploy'],
    files: () => ({ 'kubeship.config.yaml': 'environments:\n  test: [\n' }),
    code: 2,
    names: (_, dir) => [
      `${join(dir, 'kubeship.config.yaml')}: cannot load the config`,
      /line \d+, column \d+/,
    ],
  },
  {
    name: 'JSON that does not parse',
    class: 'config file',
    args: ['deploy'],
    files: () => ({ 'kubeship.config.json': '{"environments": ' }),
    code: 2,
    names: (_, dir) => [`${join(dir, 'kubeship.config.json')}: cannot load the config`],
  },
  {
    name: 'an empty YAML file',
    class: 'config file',
    args: ['deploy'],
    files: () => ({ 'kubeship.config.yaml': '' }),
    code: 2,
    names: () => ['(root): '],
  },
  {
    name: 'schema errors, all at once with their keys',
    class: 'config file',
    args: ['deploy'],
    config: (s) => ({
      app: app(),
      environments: { test: { ...environment(s.ns), replicas: -1, tiemout: 3, namespace: 'Bad_NS' } },
    }),
    code: 2,
    json: 'INVALID_INPUT',
    names: () => ['environments.test.replicas', 'Unrecognized key: "tiemout"', 'environments.test.namespace'],
  },
  ...(
    [
      ['timeoutSeconds', 0],
      ['timeoutSeconds', 99_999_999],
      ['maxRestarts', 0],
      ['lockWaitSeconds', -1],
      ['lockWaitSeconds', 10 ** 9],
      ['unschedulableGraceSeconds', 2 ** 40],
      ['replicas', 1_000_000],
      ['timeoutSeconds', 1.5],
    ] as const
  ).map(
    ([key, value]): Case => ({
      name: `environment ${key}: ${value}`,
      class: 'numbers without bounds',
      args: ['deploy'],
      config: appConfig({}, { [key]: value }),
      code: 2,
      names: (_, dir) => [join(dir, 'kubeship.config.yaml'), `environments.test.${key}`],
    }),
  ),
  {
    name: 'cluster.region that is no region',
    class: 'config file',
    args: ['deploy'],
    config: appConfig({}, { cluster: { name: 'c', region: 'moon-1' } }),
    code: 2,
    names: () => ['environments.test.cluster.region: must be an AWS region'],
  },
  {
    name: 'cluster.roleArn that is no role ARN',
    class: 'config file',
    args: ['deploy'],
    config: appConfig(
      {},
      { cluster: { name: 'c', region: 'us-east-1', roleArn: 'arn:aws:iam::123:role/x' } },
    ),
    code: 2,
    names: () => ['environments.test.cluster.roleArn: must be an IAM role ARN'],
  },
  {
    name: 'cluster.name no EKS cluster can have',
    class: 'config file',
    args: ['deploy'],
    config: appConfig({}, { cluster: { name: 'my cluster', region: 'us-east-1' } }),
    code: 2,
    names: () => ['environments.test.cluster.name: must be an EKS cluster name'],
  },
  {
    name: 'both app and templates',
    class: 'config file',
    args: ['deploy'],
    config: (s) => ({ ...appConfig()(s), templates: { files: ['a.yaml'], name: 'web' } }),
    code: 2,
    names: () => ['(root): needs exactly one of app (a typed spec) or templates'],
  },
  {
    name: 'neither app nor templates',
    class: 'config file',
    args: ['deploy'],
    config: (s) => ({ environments: { test: environment(s.ns) } }),
    code: 2,
    names: () => ['(root): needs exactly one of app'],
  },
  {
    name: 'two environments and no --env',
    class: 'config file',
    args: ['deploy'],
    config: (s) => ({ app: app(), environments: { test: environment(s.ns), prod: environment(s.ns) } }),
    code: 2,
    names: () => ['has environments test, prod: choose one with --env or KUBESHIP_ENV'],
  },
  {
    name: 'an environment name with capitals',
    class: 'config file',
    args: ['deploy'],
    config: (s) => ({ app: app(), environments: { Test: environment(s.ns) } }),
    code: 2,
    names: () => ['environments.Test'],
  },
  {
    name: 'a template variable whose name is no placeholder name',
    class: 'config file',
    args: ['deploy'],
    config: templateConfig(['app.yaml'], { variables: { 'db-host': 'x' } }),
    files: () => ({ 'app.yaml': deployment() }),
    code: 2,
    names: (_, dir) => [join(dir, 'kubeship.config.yaml'), 'environments.test.variables.db-host'],
  },
  {
    name: 'an SSM path that does not start with /',
    class: 'config file',
    args: ['deploy'],
    config: appConfig({}, { ssm: { paths: ['web/prod'] } }),
    code: 2,
    names: () => ['environments.test.ssm.paths.0: must be an SSM path starting with /'],
  },
  {
    name: 'a YAML config with a byte that is not UTF-8',
    class: 'encoding',
    args: ['deploy'],
    files: (s) => ({
      'kubeship.config.yaml': Buffer.concat([
        Buffer.from(stringify(appConfig({ env: { GREETING: 'x' } })(s)).replace('x', '')),
        Buffer.from('# caf\xe9\n', 'latin1'),
      ]),
    }),
    code: 2,
    json: 'INVALID_INPUT',
    names: (_, dir) => [`${join(dir, 'kubeship.config.yaml')} is not UTF-8: byte 0xe9 at offset`],
  },
  {
    name: 'a JSON config with a byte that is not UTF-8 in a value',
    class: 'encoding',
    args: ['render'],
    files: (s) => ({
      'kubeship.config.json': Buffer.from(
        JSON.stringify(appConfig({ env: { GREETING: 'caf\xe9' } })(s)),
        'latin1',
      ),
    }),
    code: 2,
    names: (_, dir) => [`${join(dir, 'kubeship.config.json')} is not UTF-8: byte 0xe9 at offset`],
  },
  {
    name: 'a UTF-16 config',
    class: 'encoding',
    args: ['render'],
    files: (s) => ({
      'kubeship.config.yaml': Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(stringify(appConfig()(s)), 'utf16le'),
      ]),
    }),
    code: 2,
    names: () => ['is not UTF-8: byte 0xff at offset 0 (line 1)'],
  },
  {
    name: 'a config file over 1 MiB',
    class: 'huge input',
    args: ['deploy'],
    files: (s) => ({ 'kubeship.config.yaml': `${stringify(appConfig()(s))}#${'x'.repeat(1024 * 1024)}\n` }),
    code: 2,
    names: (_, dir) => [
      `the config file ${join(dir, 'kubeship.config.yaml')} has 1 MiB, more than the 1 MiB`,
    ],
  },
  {
    name: 'a TypeScript config without a default export',
    class: 'TypeScript config',
    args: ['deploy'],
    files: () => ({ 'kubeship.config.ts': 'export const config = {};\n' }),
    code: 2,
    names: (_, dir) => [join(dir, 'kubeship.config.ts'), 'it has no default export'],
  },
  {
    name: 'a TypeScript config that does not compile',
    class: 'TypeScript config',
    args: ['deploy'],
    files: () => ({ 'kubeship.config.ts': 'export default { app: ( };\n' }),
    code: 2,
    names: (_, dir) => [`${join(dir, 'kubeship.config.ts')}: cannot load the config`],
  },
  {
    name: 'a TypeScript config that throws while loading',
    class: 'TypeScript config',
    args: ['deploy'],
    files: () => ({ 'kubeship.config.ts': "throw new Error('DB_URL is not set');\nexport default {};\n" }),
    code: 2,
    names: (_, dir) => [`${join(dir, 'kubeship.config.ts')}: cannot load the config: DB_URL is not set`],
  },
  {
    name: 'a TypeScript config whose app() throws',
    class: 'TypeScript config',
    args: ['deploy'],
    files: (s) => ({
      'kubeship.config.ts': `export default { app: () => { throw new Error('no replicas for this stage'); }, environments: { test: ${JSON.stringify(environment(s.ns))} } };\n`,
    }),
    code: 2,
    json: 'INVALID_INPUT',
    names: (_, dir) => [
      `${join(dir, 'kubeship.config.ts')}: app: the app function threw for environment test: no replicas for this stage`,
    ],
  },
  {
    name: 'a TypeScript config whose app() returns a Promise',
    class: 'TypeScript config',
    args: ['deploy'],
    files: (s) => ({
      'kubeship.config.ts': `export default { app: async () => (${JSON.stringify(app())}), environments: { test: ${JSON.stringify(environment(s.ns))} } };\n`,
    }),
    code: 2,
    names: (_, dir) => [`${join(dir, 'kubeship.config.ts')}: app: the app function returned a Promise`],
  },
  {
    name: 'a TypeScript config whose default export is a Promise',
    class: 'TypeScript config',
    args: ['render'],
    files: (s) => ({
      'kubeship.config.ts': `export default Promise.resolve({ app: ${JSON.stringify(app())}, environments: { test: ${JSON.stringify(environment(s.ns))} } });\n`,
    }),
    code: 2,
    names: () => ['its default export is a Promise'],
  },
  {
    name: 'a TypeScript config whose app() returns nothing',
    class: 'TypeScript config',
    args: ['render'],
    files: (s) => ({
      'kubeship.config.ts': `export default { app: () => undefined, environments: { test: ${JSON.stringify(environment(s.ns))} } };\n`,
    }),
    code: 2,
    names: (_, dir) => [`${join(dir, 'kubeship.config.ts')}: app: must be an application spec`],
  },
  {
    name: 'an app.image that is no image reference',
    class: 'app spec',
    args: ['deploy'],
    config: appConfig({ image: 'registry.local/Web:1' }),
    code: 2,
    json: 'INVALID_INPUT',
    names: (_, dir) => [`${join(dir, 'kubeship.config.yaml')}: app.image: not a valid image reference`],
  },
  {
    name: 'an app.image that is a number',
    class: 'app spec',
    args: ['deploy'],
    config: appConfig({ image: 42 }),
    code: 2,
    names: () => ['app.image: must be an image reference'],
  },
  {
    name: 'an app.image with a broken digest',
    class: 'app spec',
    args: ['render'],
    config: appConfig({ image: 'registry.local/web@sha256:xyz' }),
    code: 2,
    names: () => ['app.image', 'digest'],
  },
  {
    name: 'an invalid app spec (negative replicas, unknown key)',
    class: 'app spec',
    args: ['deploy'],
    config: appConfig({ replicas: -1, portz: [] }),
    code: 2,
    json: 'INVALID_MANIFEST',
    names: (_, dir) => [join(dir, 'kubeship.config.yaml'), 'invalid application spec', 'replicas'],
  },
  {
    name: 'an app spec with an invalid name',
    class: 'app spec',
    args: ['render'],
    config: appConfig({ name: 'Web_App' }),
    code: 2,
    names: () => ['invalid application spec', 'name'],
  },
  {
    name: 'an app spec with an invalid SSM parameter name',
    class: 'app spec',
    args: ['render'],
    config: appConfig({ env: { DB: { ssm: '/bad name' } } }),
    code: 2,
    names: () => ['env.DB'],
  },
  {
    name: 'a kubeconfig context that does not exist',
    class: 'config file',
    args: ['deploy'],
    config: (s) => ({
      app: app(),
      environments: { test: { kubeconfig: { path: 'kc.yaml', context: 'nope' }, namespace: s.ns } },
    }),
    files: () => ({
      'kc.yaml': stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 'x' } }],
        contexts: [{ name: 'real', context: { cluster: 'c', user: 'u' } }],
      }),
    }),
    code: 2,
    names: () => ['kubeconfig context "nope" not found', '"real"'],
  },
  {
    name: 'a kubeconfig file that does not exist',
    class: 'config file',
    args: ['status'],
    config: (s) => ({
      app: app(),
      environments: { test: { kubeconfig: { path: 'missing.yaml', context: 'x' }, namespace: s.ns } },
    }),
    code: 2,
    names: (_, dir) => [`kubeconfig file ${join(dir, 'missing.yaml')} does not exist`],
  },

  // -- templates
  {
    name: 'a template file that does not exist',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['k8s/missing.yaml']),
    code: 2,
    names: (_, dir) => ['templates.files: cannot read', join(dir, 'k8s/missing.yaml')],
  },
  // an empty or comment-only file deploys nothing and would prune what it held: refused, naming
  // the file (not the image, with --tag), with or without kubeship's SSM config objects
  ...[
    ['an empty template file', ''],
    ['a comment-only template file', '# the app moved to k8s/app.yaml\n---\n# nothing here\n'],
  ].flatMap(([what, text]) =>
    [
      ['', {}, []],
      [' with ssm.paths', withSsm, []],
      [' with --tag', {}, ['--tag', '2']],
      [' with ssm.paths and --tag', withSsm, ['--tag', '2']],
    ].map(
      ([variant, env, tag]): Case => ({
        name: `${what}${variant as string}`,
        class: 'empty templates',
        args: ['deploy', ...(tag as string[])],
        config: templateConfig(['app.yaml'], env as Record<string, unknown>),
        files: () => ({ 'app.yaml': text as string }),
        code: 2,
        json: 'INVALID_MANIFEST',
        names: (_, dir) => [join(dir, 'app.yaml'), 'the template file is empty or holds only comments'],
        absent: ['no container in the templates runs', 'DEPLOYED'],
      }),
    ),
  ),
  {
    name: 'two template files that do not exist: both named',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['a.yaml', 'b.yaml']),
    code: 2,
    names: (_, dir) => [join(dir, 'a.yaml'), join(dir, 'b.yaml')],
  },
  {
    name: 'a template with a byte that is not UTF-8',
    class: 'encoding',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({
      'app.yaml': Buffer.concat([Buffer.from(deployment()), Buffer.from('---\n# \xff\n', 'latin1')]),
    }),
    code: 2,
    json: 'INVALID_INPUT',
    names: (_, dir) => [`the template file ${join(dir, 'app.yaml')} is not UTF-8: byte 0xff at offset`],
  },
  {
    name: 'a template with Latin-1 text in a ConfigMap value',
    class: 'encoding',
    args: ['render'],
    config: templateConfig(['cm.yaml']),
    files: () => ({
      'cm.yaml': Buffer.from(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata: { CITY: "K\xf6ln" }\n',
        'latin1',
      ),
    }),
    code: 2,
    names: (_, dir) => [join(dir, 'cm.yaml'), 'byte 0xf6 at offset 69 (line 4)'],
  },
  {
    name: 'a template file over 8 MiB',
    class: 'huge input',
    args: ['deploy'],
    config: templateConfig(['huge.yaml']),
    files: () => ({ 'huge.yaml': `${configMap('big')}#${'x'.repeat(9 * 1024 * 1024)}\n` }),
    code: 2,
    names: (_, dir) => [`the template file ${join(dir, 'huge.yaml')} has 9 MiB, more than the 8 MiB`],
    maxMs: 20_000,
  },
  {
    name: 'a template that is not YAML',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({ 'app.yaml': 'kind: [\n' }),
    code: 2,
    json: 'INVALID_MANIFEST',
    names: (_, dir) => [`${join(dir, 'app.yaml')}: not valid YAML`, 'line'],
  },
  {
    name: '${VAR} inside flow-style YAML: one hint',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['app.yaml'], { variables: { IMAGE: 'registry.local/web:1' } }),
    files: () => ({ 'app.yaml': deployment().replace('image: registry.local/web:1', 'image: ${IMAGE}') }),
    code: 2,
    names: () => ['(line 9): the placeholder ${IMAGE} is inside flow-style YAML', '"${IMAGE}"'],
  },
  {
    name: 'a placeholder without a value',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({ 'app.yaml': configMap('settings').replace('"1"', '"${DB_HOST}"') }),
    code: 2,
    names: (_, dir) => [join(dir, 'app.yaml'), 'no value for ${DB_HOST}'],
  },
  {
    name: 'a malformed placeholder',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['app.yaml'], { variables: { A: '1' } }),
    files: () => ({ 'app.yaml': configMap('settings').replace('"1"', '"${A"') }),
    code: 2,
    names: () => ['malformed placeholder'],
  },
  {
    name: 'the same object in two template files',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['a.yaml', 'b.yaml']),
    files: () => ({
      'a.yaml': configMap('settings'),
      'b.yaml': `${deployment()}---\n${configMap('settings')}`,
    }),
    code: 2,
    json: 'INVALID_MANIFEST',
    names: (_, dir) => [
      join(dir, 'b.yaml'),
      `ConfigMap/settings): the same object is also in ${join(dir, 'a.yaml')}`,
    ],
  },
  {
    name: 'the same object in two files, once with its namespace written out',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['a.yaml', 'b.yaml']),
    files: (s) => ({
      'a.yaml': configMap('settings'),
      'b.yaml': configMap('settings', `, namespace: ${s.ns}`),
    }),
    code: 2,
    names: (_, dir) => [`the same object is also in ${join(dir, 'a.yaml')}`],
  },
  {
    name: 'the same object twice in one file',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['a.yaml']),
    files: () => ({ 'a.yaml': `${configMap('settings')}---\n${configMap('settings')}` }),
    code: 2,
    names: () => ['the same object appears twice'],
  },
  {
    name: 'a template Secret named like the one kubeship builds from SSM',
    class: 'collisions with SSM config',
    args: ['deploy'],
    config: templateConfig(['secret.yaml'], withSsm),
    files: () => ({
      'secret.yaml':
        'apiVersion: v1\nkind: Secret\nmetadata: { name: web-secrets }\nstringData: { DB_PASSWORD: hunter2 }\n',
    }),
    code: 2,
    json: 'CONFIG_COLLISION',
    names: (_, dir) => [
      join(dir, 'secret.yaml'),
      'Secret web-secrets has the name of the Secret kubeship builds from the SSM parameters',
    ],
  },
  {
    name: 'a template ConfigMap named like the one kubeship builds from SSM',
    class: 'collisions with SSM config',
    args: ['deploy'],
    config: templateConfig(['cm.yaml'], withSsm),
    files: () => ({ 'cm.yaml': configMap('web-config') }),
    code: 2,
    names: (_, dir) => [
      join(dir, 'cm.yaml'),
      'ConfigMap web-config has the name of the ConfigMap kubeship builds',
    ],
  },
  {
    name: 'an app spec ConfigMap named like the one kubeship builds from SSM',
    class: 'collisions with SSM config',
    args: ['deploy'],
    config: appConfig({ configMaps: { 'web-config': { A: '1' } } }, withSsm),
    code: 2,
    json: 'CONFIG_COLLISION',
    names: (_, dir) => [
      `${join(dir, 'kubeship.config.yaml')}: app.configMaps.web-config: web-config and web-secrets are the names`,
    ],
  },
  {
    name: 'a literal env var and an SSM path variable of the same name',
    class: 'collisions with SSM config',
    args: ['deploy'],
    config: appConfig({ env: { DB_HOST: 'localhost' } }, withSsm),
    code: 2,
    json: 'CONFIG_COLLISION',
    names: (_, dir) => [
      `app.env.DB_HOST is set in ${join(dir, 'kubeship.config.yaml')} and also comes from the SSM parameter ${SSM_PATH}/DB_HOST`,
    ],
  },
  {
    name: 'an SSM reference to another parameter under a path variable name',
    class: 'collisions with SSM config',
    args: ['deploy'],
    config: appConfig({ env: { DB_PASSWORD: { ssm: `${SSM_PATH}/DB_HOST` } } }, withSsm),
    code: 2,
    names: () => ['app.env.DB_PASSWORD', `SSM parameter ${CANARY_PARAMETER}`],
  },
  {
    name: 'a Deployment whose selector does not match its pods',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({ 'app.yaml': deployment().replace('labels: { app: web }', 'labels: { app: not-web }') }),
    code: 2,
    names: (_, dir) => [join(dir, 'app.yaml'), 'selector does not match'],
  },
  {
    name: 'an object without a kind',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({ 'app.yaml': 'apiVersion: v1\nmetadata: { name: x }\n' }),
    code: 2,
    names: () => ['object.kind: is required'],
  },
  {
    name: 'an object without a name',
    class: 'templates',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({ 'app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { labels: { a: b } }\n' }),
    code: 2,
    names: () => ['configMap.metadata.name'],
  },
  {
    name: '--tag without an imageRepository',
    class: 'templates',
    args: ['deploy', '--tag', '2'],
    config: templateConfig(['app.yaml'], {}, { imageRepository: undefined }),
    files: () => ({ 'app.yaml': deployment() }),
    code: 2,
    names: (_, dir) => [
      `--tag needs an image repository: set templates.imageRepository in ${join(dir, 'kubeship.config.yaml')}`,
    ],
  },
  {
    name: '--image that no container of the templates runs',
    class: 'templates',
    args: ['deploy', '--image', 'registry.local/other:2'],
    config: templateConfig(['app.yaml'], {}, { imageRepository: 'registry.local/other' }),
    files: () => ({ 'app.yaml': deployment() }),
    code: 2,
    names: () => ['no container in the templates runs registry.local/other'],
  },
  {
    name: 'an imageRepository with a tag',
    class: 'templates',
    args: ['deploy', '--tag', '2'],
    config: templateConfig(['app.yaml'], {}, { imageRepository: 'registry.local/web:1' }),
    files: () => ({ 'app.yaml': deployment() }),
    code: 2,
    names: () => ['must be a repository without tag or digest'],
  },
  {
    name: 'a ConfigMap over 1 MiB of data, refused with its size before anything is sent',
    class: 'huge input',
    args: ['deploy'],
    config: templateConfig(['big.yaml']),
    files: () => ({ 'big.yaml': configMap('big').replace('"1"', `"${'x'.repeat(1200 * 1024)}"`) }),
    code: 2,
    names: (s) => [`ConfigMap ${s.ns}/big holds 1.17 MiB of data; a ConfigMap may hold at most 1.00 MiB`],
  },
  {
    name: 'an object over 1.5 MiB, refused with its size',
    class: 'huge input',
    args: ['deploy'],
    config: templateConfig(['big.yaml']),
    files: () => ({
      'big.yaml': deployment().replace(
        'metadata: { name: web }',
        `metadata: { name: web, annotations: { blob: "${'y'.repeat(1600 * 1024)}" } }`,
      ),
    }),
    code: 2,
    names: (s) => [`Deployment ${s.ns}/web is 1.56 MiB; the API server stores at most 1.50 MiB per object`],
  },
  {
    name: 'render of an object over 1.5 MiB is refused too',
    class: 'huge input',
    args: ['render'],
    config: templateConfig(['big.yaml']),
    files: () => ({ 'big.yaml': configMap('big').replace('"1"', `"${'x'.repeat(1600 * 1024)}"`) }),
    code: 2,
    names: (s) => [`ConfigMap ${s.ns}/big is 1.56 MiB`],
    maxMs: 20_000,
  },

  // -- the cluster's answers (each in a namespace of its own, touched only by it)
  {
    name: 'an unknown kind (the dry-run: no such API)',
    class: 'cluster rejects',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({
      'app.yaml': `${deployment()}---\napiVersion: example.com/v1\nkind: Widget\nmetadata: { name: gadget }\nspec: { size: 3 }\n`,
    }),
    code: 2,
    json: 'DRY_RUN_REJECTED',
    ownNamespace: async () => {},
    names: (s) => [`Widget ${s.ns}/gadget: the cluster does not serve example.com/v1 Widget`],
  },
  {
    name: 'an unknown kind in a known API group',
    class: 'cluster rejects',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({
      'app.yaml': `${deployment()}---\napiVersion: apps/v1\nkind: Deploymnet\nmetadata: { name: typo }\nspec: {}\n`,
    }),
    code: 2,
    ownNamespace: async () => {},
    names: (s) => [`Deploymnet ${s.ns}/typo: the cluster does not serve apps/v1 Deploymnet`],
  },
  {
    name: 'an apiVersion the cluster does not serve',
    class: 'cluster rejects',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({ 'app.yaml': deployment().replace('apps/v1', 'apps/v2') }),
    code: 2,
    ownNamespace: async () => {},
    names: () => ['the cluster does not serve apps/v2 Deployment'],
  },
  {
    name: 'a field the API does not know (strict validation)',
    class: 'cluster rejects',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({ 'app.yaml': deployment().replace('  replicas: 1', '  replicas: 1\n  replicaz: 2') }),
    code: 2,
    ownNamespace: async () => {},
    names: (s) => [`Deployment ${s.ns}/web`, 'replicaz'],
  },
  {
    name: 'an object only the API server rejects (a fixed clusterIP outside the range)',
    class: 'cluster rejects',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({
      'app.yaml': `${deployment().replace('image: registry.local/web:1', 'image: registry.local/web:1, ports: [{ containerPort: 80 }]')}---\napiVersion: v1\nkind: Service\nmetadata: { name: web-broken }\nspec: { clusterIP: 192.0.2.10, selector: { app: web }, ports: [{ port: 80 }] }\n`,
    }),
    code: 2,
    ownNamespace: async () => {},
    names: (s) => [`Service ${s.ns}/web-broken`],
  },
  {
    name: 'a field another field manager owns (an SSA conflict)',
    class: 'cluster rejects',
    args: ['deploy', '--output', 'json'],
    config: templateConfig(['app.yaml']),
    files: () => ({ 'app.yaml': `${deployment()}---\n${configMap('settings').replace('"1"', '"2"')}` }),
    code: 2,
    ownNamespace: async (c, ns) => {
      const cm = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace: ns },
        data: { A: '1' },
      };
      await k8s.KubernetesObjectApi.makeApiClient(c.kc).patch(
        cm,
        undefined,
        undefined,
        'other-tool',
        undefined,
        k8s.PatchStrategy.ServerSideApply,
      );
    },
    names: (s) => [
      '"code": "APPLY_CONFLICT"',
      `ConfigMap ${s.ns}/settings: fields owned by another field manager`,
      'other-tool',
    ],
  },
  {
    name: 'templates for a namespace that does not exist',
    class: 'cluster rejects',
    args: ['deploy'],
    config: templateConfig(['app.yaml']),
    files: () => ({ 'app.yaml': configMap('settings', `, namespace: ${PREFIX}-ghost`) }),
    code: 2,
    json: 'INVALID_INPUT',
    names: () => [
      `namespace "${PREFIX}-ghost" does not exist (it is the namespace of ConfigMap ${PREFIX}-ghost/settings)`,
    ],
  },
  {
    name: 'an environment namespace that does not exist',
    class: 'cluster rejects',
    args: ['deploy'],
    config: () => ({ app: app(), environments: { test: environment(`${PREFIX}-nowhere`) } }),
    code: 2,
    names: () => [`namespace "${PREFIX}-nowhere" does not exist`, `Deployment ${PREFIX}-nowhere/web`],
  },
  {
    name: 'status of an app never deployed',
    class: 'cluster states',
    args: ['status'],
    config: appConfig({ name: 'never' }),
    code: 2,
    names: (s) => [`deployment ${s.ns}/never does not exist`],
  },
  {
    name: 'rollback of an app never deployed',
    class: 'cluster states',
    args: ['rollback'],
    config: appConfig({ name: 'never' }),
    code: 2,
    names: (s) => [
      `never in ${s.ns} has no earlier deployed release to roll back to (releases: none); nothing was changed`,
    ],
  },
  {
    name: 'rollback --to-revision that does not exist',
    class: 'cluster states',
    args: ['rollback', '--to-revision', '99'],
    config: appConfig(),
    code: 2,
    json: 'INVALID_INPUT',
    names: (s) => [`--to-revision 99: web in ${s.ns} has no release 99`],
  },
  {
    name: 'rollback with no earlier revision',
    class: 'cluster states',
    args: ['rollback'],
    config: appConfig(),
    code: 2,
    names: (s) => [`web in ${s.ns} has no earlier deployed release to roll back to`],
  },
  {
    name: 'another deploy holds the lease: exit 4 after --wait-for-lock, naming the holder',
    class: 'cluster states',
    args: ['deploy', '--wait-for-lock', '1'],
    config: appConfig(),
    code: 4,
    json: 'DEPLOY_LOCKED',
    ownNamespace: async (c, ns) => {
      await c.kc.makeApiClient(k8s.CoordinationV1Api).createNamespacedLease({
        namespace: ns,
        body: {
          metadata: { name: 'kubeship-web', namespace: ns },
          spec: {
            holderIdentity: 'web-deploy:other-build',
            leaseDurationSeconds: 3600,
            acquireTime: new k8s.V1MicroTime(),
            renewTime: new k8s.V1MicroTime(),
          },
        },
      });
    },
    // while it waits, it says who holds the lease and until when
    names: () => [
      'waiting for the deploy lease',
      'held by web-deploy:other-build (renewed ',
      'unless renewed',
      'it expires at',
    ],
  },
  {
    name: 'an EKS cluster that does not exist',
    class: 'AWS',
    args: ['deploy'],
    config: appConfig({}, { cluster: { name: `${PREFIX}-nope`, region: 'us-east-1' } }),
    code: 2,
    json: 'CLUSTER_NOT_FOUND',
    names: () => [`EKS cluster ${PREFIX}-nope not found`],
  },
  {
    name: 'kubeconfig for an EKS cluster that does not exist',
    class: 'AWS',
    args: ['kubeconfig', '--cluster-name', `${PREFIX}-nope`, '--region', 'us-east-1'],
    code: 2,
    names: () => [`EKS cluster ${PREFIX}-nope not found`],
  },

  // -- SSM and AWS
  {
    name: 'a missing SSM parameter',
    class: 'SSM',
    args: ['deploy'],
    config: appConfig({ env: { API_KEY: { ssm: `${SSM_PATH}-missing/API_KEY` } } }),
    code: 2,
    json: 'SSM_PARAMETERS_MISSING',
    names: () => [`parameter ${SSM_PATH}-missing/API_KEY: not found`],
  },
  {
    name: 'an SSM path with no parameters',
    class: 'SSM',
    args: ['deploy'],
    config: appConfig({}, { ssm: { paths: [`${SSM_PATH}-empty`] } }),
    code: 2,
    names: () => [`path ${SSM_PATH}-empty: no parameters under this path`],
  },
  {
    name: 'SSM paths that overlap',
    class: 'SSM',
    args: ['deploy'],
    config: appConfig({}, { ssm: { paths: [SSM_PATH, `${SSM_PATH}/sub`] } }),
    code: 2,
    names: () => [`SSM paths ${SSM_PATH} and ${SSM_PATH}/sub overlap`],
  },
  {
    name: 'a Secrets Manager reference read by path',
    class: 'SSM',
    args: ['deploy'],
    config: appConfig({}, { ssm: { paths: ['/aws/reference/secretsmanager/prod'] } }),
    code: 2,
    names: () => ['is a Secrets Manager reference, which cannot be read by path'],
  },
  {
    name: 'SSM references and no region anywhere',
    class: 'SSM',
    args: ['render', '--resolve-ssm'],
    config: (s) => ({
      app: app({ env: { DB_PASSWORD: { ssm: CANARY_PARAMETER } } }),
      environments: { test: { kubeconfig: { context: 'x' }, namespace: s.ns } },
    }),
    env: () => ({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }),
    code: 2,
    names: () => [`reads SSM parameters (${CANARY_PARAMETER}) but no SSM region is configured`],
  },
  {
    name: 'the AWS endpoint refuses connections: the cause is named',
    class: 'AWS failures',
    args: ['deploy'],
    config: appConfig({ env: { DB_PASSWORD: { ssm: CANARY_PARAMETER } } }),
    env: () => ({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1', KUBESHIP_AWS_TIMEOUT: '5' }),
    code: 3,
    json: 'AWS_UNREACHABLE',
    names: () => [
      `SSM GetParameters (parameters ${CANARY_PARAMETER}) at http://127.0.0.1:1 failed:`,
      'connection refused (connect ECONNREFUSED 127.0.0.1:1',
    ],
    maxMs: 25_000,
  },
  {
    name: 'the AWS endpoint accepts and never answers: a timeout, not a hang',
    class: 'AWS failures',
    args: ['deploy'],
    config: appConfig({}, withSsm),
    env: () => ({ AWS_ENDPOINT_URL: `http://127.0.0.1:${silentPort}`, KUBESHIP_AWS_TIMEOUT: '3' }),
    code: 3,
    json: 'AWS_UNREACHABLE',
    names: () => [
      `SSM GetParametersByPath (path ${SSM_PATH}) at http://127.0.0.1:${silentPort} failed:`,
      /no answer within|KUBESHIP_AWS_TIMEOUT/,
    ],
    maxMs: 25_000,
  },
  {
    name: 'EKS behind an endpoint that never answers: a timeout naming EKS',
    class: 'AWS failures',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({ AWS_ENDPOINT_URL_EKS: `http://127.0.0.1:${silentPort}`, KUBESHIP_AWS_TIMEOUT: '3' }),
    code: 3,
    names: () => [
      `EKS DescribeCluster in ${info.region} at http://127.0.0.1:${silentPort} failed: no answer within 1 s (timeout`,
    ],
    maxMs: 20_000,
  },
  {
    name: 'STS behind an endpoint that refuses connections: names STS, exit 3',
    class: 'AWS failures',
    args: ['deploy'],
    config: appConfig(
      {},
      {
        cluster: { name: 'c', region: 'us-east-1', roleArn: `arn:aws:iam::${'1'.repeat(12)}:role/deployer` },
      },
    ),
    env: () => ({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1', KUBESHIP_AWS_TIMEOUT: '3' }),
    code: 3,
    json: 'AWS_UNREACHABLE',
    names: () => ['http://127.0.0.1:1', 'connection refused'],
    maxMs: 25_000,
  },

  // -- the Kubernetes API unreachable: every request is time-bounded, the error names it
  {
    name: 'a kubeconfig cluster that accepts and never answers: CLUSTER_UNREACHABLE within the bound',
    class: 'cluster unreachable',
    args: ['deploy'],
    config: (s) => ({
      app: app(),
      environments: { test: { kubeconfig: { context: 'silent', path: 'kubeconfig.yaml' }, namespace: s.ns } },
    }),
    files: () => ({ 'kubeconfig.yaml': kubeconfigFor(`http://127.0.0.1:${silentPort}`) }),
    env: () => ({ KUBESHIP_KUBE_TIMEOUT: '2' }),
    code: 3,
    json: 'CLUSTER_UNREACHABLE',
    names: () => [
      `the Kubernetes API at http://127.0.0.1:${silentPort} failed GET /api/v1`,
      'no answer within 2 s (timeout)',
    ],
    maxMs: 25_000,
  },
  {
    name: 'a kubeconfig cluster that refuses connections: CLUSTER_UNREACHABLE naming the cause',
    class: 'cluster unreachable',
    args: ['status'],
    config: (s) => ({
      app: app(),
      environments: { test: { kubeconfig: { context: 'silent', path: 'kubeconfig.yaml' }, namespace: s.ns } },
    }),
    files: () => ({ 'kubeconfig.yaml': kubeconfigFor(`http://127.0.0.1:${closedPort}`) }),
    code: 3,
    json: 'CLUSTER_UNREACHABLE',
    names: () => [`the Kubernetes API at http://127.0.0.1:${closedPort} failed GET`, 'connection refused'],
  },
  {
    name: 'diff against a cluster that never answers: bounded too',
    class: 'cluster unreachable',
    args: ['diff'],
    config: (s) => ({
      app: app(),
      environments: { test: { kubeconfig: { context: 'silent', path: 'kubeconfig.yaml' }, namespace: s.ns } },
    }),
    files: () => ({ 'kubeconfig.yaml': kubeconfigFor(`http://127.0.0.1:${silentPort}`) }),
    env: () => ({ KUBESHIP_KUBE_TIMEOUT: '1' }),
    code: 3,
    names: () => [`the Kubernetes API at http://127.0.0.1:${silentPort} failed`, 'no answer within 1 s'],
    maxMs: 25_000,
  },
  {
    name: 'no AWS credentials at all, with SSM: says none were found',
    class: 'AWS credentials',
    args: ['deploy'],
    config: appConfig({ env: { DB_PASSWORD: { ssm: CANARY_PARAMETER } } }),
    env: () => ({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
    code: 3,
    json: 'AWS_CREDENTIALS',
    names: () => [`no AWS credentials were found to read SSM parameters ${CANARY_PARAMETER}`],
    absent: ['refused'],
  },
  {
    name: 'no AWS credentials at all, EKS only',
    class: 'AWS credentials',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
    code: 3,
    names: () => ['no AWS credentials were found'],
    absent: ['refused'],
  },
  {
    name: 'token with no AWS credentials',
    class: 'AWS credentials',
    args: ['token', '--cluster-name', 'c', '--region', 'us-east-1'],
    env: () => ({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
    code: 3,
    names: () => ['no AWS credentials were found'],
    absent: ['refused'],
  },
  {
    name: 'credentials the cluster does not know: UNAUTHORIZED',
    class: 'AWS credentials',
    args: ['deploy'],
    config: appConfig(),
    env: () => ({
      AWS_ACCESS_KEY_ID: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
      AWS_SECRET_ACCESS_KEY: randomBytes(30).toString('base64url'),
    }),
    code: 3,
    json: 'UNAUTHORIZED',
    names: () => ['the cluster refused the credentials', 'HTTP 401'],
  },

  // -- runtime
  ...(OLD_NODE
    ? (['deploy', 'render', '--version'] as const).map(
        (command): Case => ({
          name: `${command} on ${OLD_NODE} (Node 20)`,
          class: 'runtime',
          args: [command],
          config: appConfig(),
          node: OLD_NODE,
          code: 2,
          names: () => ['kubeship: needs Node.js 22.19 or later', 'Install Node.js 22'],
        }),
      )
    : []),
];

// ---- the cluster's state ------------------------------------------------------------------

/** resourceVersions of every object of the namespaces (and the namespace objects themselves). */
async function snapshot(namespaceNames: readonly string[]): Promise<Record<string, string>> {
  const raw = k8s.KubernetesObjectApi.makeApiClient(clients.kc);
  const kinds = [
    ['v1', 'ConfigMap'],
    ['v1', 'Secret'],
    ['v1', 'Service'],
    ['v1', 'ServiceAccount'],
    ['v1', 'Pod'],
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'ReplicaSet'],
    ['coordination.k8s.io/v1', 'Lease'],
  ] as const;
  const entries: Array<[string, string]> = [];
  const allNamespaces = await clients.core.listNamespace();
  for (const ns of allNamespaces.items) {
    const name = ns.metadata?.name ?? '';
    if (name.startsWith(PREFIX)) entries.push([`Namespace ${name}`, ns.metadata?.resourceVersion ?? '']);
  }
  await Promise.all(
    namespaceNames.flatMap((namespace) =>
      kinds.map(async ([apiVersion, kind]) => {
        const items = (await raw.list(apiVersion, kind, namespace)).items;
        for (const item of items)
          entries.push([`${kind} ${namespace}/${item.metadata?.name}`, item.metadata?.resourceVersion ?? '']);
      }),
    ),
  );
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A new namespace, once the controllers have filled it (its default ServiceAccount and root CA). */
async function createNamespace(name: string): Promise<string> {
  await clients.core.createNamespace({ body: { metadata: { name } } });
  namespaces.push(name);
  for (let i = 0; i < 150; i++) {
    const [accounts, maps] = await Promise.all([
      clients.core.listNamespacedServiceAccount({ namespace: name }),
      clients.core.listNamespacedConfigMap({ namespace: name }),
    ]);
    if (accounts.items.length > 0 && maps.items.some((m) => m.metadata?.name === 'kube-root-ca.crt')) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return name;
}

const slot = concurrencyLimit(6);

function scanFiles(dir: string, skip: ReadonlySet<string>): Array<{ name: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((file) => {
    const path = join(dir, file);
    if (skip.has(path) || !statSync(path).isFile() || statSync(path).size > 2 * 1024 * 1024) return [];
    return [{ name: path, text: readFileSync(path, 'latin1') }];
  });
}

beforeAll(async () => {
  [bin, clients] = await Promise.all([buildCli(), adminClients()]);
  info = clients.info;
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as { port: number }).port;
  await new Promise((resolve) => closed.close(resolve));

  // SSM: a SecureString canary (a path variable DB_PASSWORD) and a String DB_HOST under one path
  const key = aws(
    ['kms', 'create-key', '--region', info.region],
    info.aws.credentials,
    info.aws.endpointUrl,
  ) as {
    KeyMetadata: { KeyId: string };
  };
  putParameter(info, { name: CANARY_PARAMETER, value: CANARY, keyId: key.KeyMetadata.KeyId });
  putParameter(info, { name: `${SSM_PATH}/DB_HOST`, value: 'db.internal' });

  // the shared namespace: what a running app leaves there (a Deployment at revision 1, its
  // config objects), so "nothing changed" means something
  shared = await createNamespace(`${PREFIX}-shared`);
  const raw = k8s.KubernetesObjectApi.makeApiClient(clients.kc);
  for (const object of [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-config', namespace: shared },
      data: { DB_HOST: 'db' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-secrets', namespace: shared },
      data: { DB_PASSWORD: Buffer.from(CANARY).toString('base64') },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: shared },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] },
        },
      },
    },
  ])
    await raw.create(object);
  // wait until the controllers are done with it: its ReplicaSet exists and the status is settled
  for (let i = 0; i < 100; i++) {
    const deployment = await clients.apps.readNamespacedDeployment({ name: 'web', namespace: shared });
    const replicaSets = await clients.apps.listNamespacedReplicaSet({ namespace: shared });
    const available = deployment.status?.conditions?.some(
      (c) => c.type === 'Available' && c.status === 'True',
    );
    if (deployment.status?.observedGeneration === 1 && available && replicaSets.items.length === 1) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await Promise.all(
    CASES.map(async (c, index) => {
      if (!c.ownNamespace) return;
      const ns = await createNamespace(`${PREFIX}-${index}`);
      await c.ownNamespace(clients, ns);
    }),
  );
  // what every case is compared with afterwards: each namespace as it was before any case ran
  const [sharedState, ...ownStates] = await Promise.all([
    snapshot([shared]),
    ...namespaces.filter((ns) => ns !== shared).map(async (ns) => [ns, await snapshot([ns])] as const),
  ]);
  baseline.set(shared, sharedState as Record<string, string>);
  for (const [ns, state] of ownStates as Array<readonly [string, Record<string, string>]>)
    baseline.set(ns, state);
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  silent?.close();
  await Promise.all(namespaces.map((name) => clients.core.deleteNamespace({ name }).catch(() => {})));
  removeTempDirs();
});

// ---- running the corpus --------------------------------------------------------------------

function project(c: Case, setup: Setup): string {
  const dir = tempDir('kubeship-bad-');
  if (c.config) writeFileSync(join(dir, 'kubeship.config.yaml'), stringify(c.config(setup)));
  for (const [name, content] of Object.entries(c.files?.(setup) ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function kubeship(c: Case, args: readonly string[], cwd: string, setup: Setup): Promise<ProcessRun> {
  const run = await runProcess(c.node ?? process.execPath, [bin, ...args], {
    cwd,
    env: cliEnv(info, c.env?.(setup) ?? {}),
    timeoutMs: 60_000,
  });
  outputs.push(
    { name: `${c.name}: stdout`, text: run.stdout },
    { name: `${c.name}: stderr`, text: run.stderr },
  );
  return run;
}

const counted = CASES.map((c, index) => ({ ...c, index }));

describe('the bad-input corpus (built binary, testbed): refused, typed, named, nothing changed', () => {
  it('has at least 120 cases across every class', () => {
    const byClass = new Map<string, number>();
    for (const c of CASES) byClass.set(c.class, (byClass.get(c.class) ?? 0) + 1);
    process.stderr.write(
      `[bad-input] ${CASES.length} cases: ${[...byClass].map(([k, v]) => `${k} ${v}`).join(', ')}\n`,
    );
    expect(CASES.length).toBeGreaterThanOrEqual(120);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.concurrent.each(counted)('$class: $name', async (c) =>
    slot(async () => {
      const own = c.ownNamespace ? `${PREFIX}-${c.index}` : shared;
      const setup: Setup = { ns: own, own };
      const dir = project(c, setup);
      const started = Date.now();
      const run = await kubeship(c, c.args, dir, setup);
      const ms = Date.now() - started;
      const output = `${run.stdout}\n${run.stderr}`;
      const context = `kubeship ${c.args.join(' ')}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
      expect(run.code, context).toBe(c.code);
      expect(output, context).not.toMatch(/internal error|\n\s+at .*\(.*:\d+:\d+\)/);
      for (const name of c.names(setup, dir)) {
        if (typeof name === 'string') expect(output, context).toContain(name);
        else expect(output, context).toMatch(name);
      }
      // a bound, not a benchmark: it proves no case waits for a default timeout, also on a loaded machine
      expect(ms, context).toBeLessThan(c.maxMs ?? 30_000);
      for (const text of c.absent ?? []) expect(output, context).not.toContain(text);
      if (c.json) {
        const json = await kubeship(c, [...c.args, '--output', 'json'], dir, setup);
        expect(json.code, json.stdout).toBe(c.code);
        expect(errorReportSchema.parse(JSON.parse(json.stdout)), json.stdout).toMatchObject({
          outcome: 'error',
          code: c.json,
          exitCode: c.code,
        });
      }
      outputs.push(...scanFiles(dir, new Set()).map((f) => ({ name: `${c.name}: ${f.name}`, text: f.text })));
      // the namespaces it touched (and the namespace list) are as they were before the corpus ran
      const after = await snapshot([own]);
      const namespaceList = (state: Record<string, string>) =>
        Object.fromEntries(Object.entries(state).filter(([key]) => key.startsWith('Namespace ')));
      const expected = { ...namespaceList(baseline.get(shared) ?? {}), ...baseline.get(own) };
      expect(after, `the cluster changed: ${context}`).toEqual(expected);
    }),
  );
});

describe('files that may hold secrets', () => {
  it('render --resolve-ssm --reveal-secrets --out writes 0600, also over an existing 0644 file', async () => {
    const setup = { ns: shared, own: shared };
    const c: Case = {
      name: 'reveal',
      class: 'secrets',
      args: [],
      config: appConfig({ env: { DB_PASSWORD: { ssm: CANARY_PARAMETER } } }),
      code: 0,
      names: () => [],
    };
    const dir = project(c, setup);
    writeFileSync(join(dir, 'old.yaml'), 'readable by all\n', { mode: 0o644 });
    for (const out of ['fresh.yaml', 'old.yaml']) {
      const run = await kubeship(
        c,
        ['render', '--resolve-ssm', '--reveal-secrets', '--out', out],
        dir,
        setup,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(statSync(join(dir, out)).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, out), 'utf8')).toContain(Buffer.from(CANARY).toString('base64'));
    }
  });
});

describe('no output of the corpus holds the SecureString', () => {
  it('raw, base64, base64url, URL-encoded or hex', () => {
    const forms = [
      CANARY,
      Buffer.from(CANARY).toString('base64'),
      Buffer.from(CANARY).toString('base64url'),
      encodeURIComponent(CANARY),
      encodeURIComponent(CANARY).replaceAll('%20', '+'),
      Buffer.from(CANARY).toString('hex'),
    ];
    expect(outputs.length).toBeGreaterThan(CASES.length * 2);
    for (const { name, text } of outputs)
      for (const form of forms) expect(text.includes(form), `${name} holds the canary`).toBe(false);
  });
});
