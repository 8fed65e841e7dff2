// `./dev bench`: what one deploy costs a build, kubeship side by side with a seed-style kubectl
// script and with Helm, on one local testbed (a real control plane, KWOK nodes, moto as AWS). A
// script, never a timed test.
//
// The same application (one Deployment of 2 replicas, a Service and a ConfigMap; or 100
// Deployments) is deployed by each tool in a fresh namespace: a first deploy, a rolling update, a
// crash-looping release (which each tool must notice and undo), and a first deploy of 100
// Deployments. The peers run as in CodeBuild: `aws eks update-kubeconfig` (DescribeCluster at moto)
// and an exec credential plugin running `aws eks get-token` for each process; the strict variant
// gives them the testbed's client-certificate kubeconfig instead. The order of the tools rotates
// between rounds, so no tool always meets a fuller cluster. Every tool runs as a child process under
// a small Python wrapper that reports its wall time and peak RSS (getrusage of the children: the
// largest process of the run); the apiserver's audit log counts the API requests each run made.
// Medians of the rounds are printed as markdown tables, with the ratios to kubeship.
//
// Also measured: kubeship's whole release (verified, recorded) of 100 Deployments + 100 ConfigMaps
// and of 500 + 500 against one bare 100- or 500-Deployment rollout (`kubectl apply` + `kubectl
// wait --for=condition=Available`); the start-up of `kubeship --version` and `kubeship token`
// against `aws eks get-token`, and of `import('@kubeship/core')`; and the install of the packed
// packages with npm into an empty folder with an empty cache.
//
// Usage: ./dev bench [--rounds N] (default 3) [--only GROUP ...]; ./dev builds the helm and
// kubectl it runs. `--only` (repeatable) runs only those groups: `small` (first deploy, rolling
// update, crash-looping release), `big` (100 Deployments), `release` (100 D + 100 CM against a
// 100-Deployment rollout), `large` (500 D + 500 CM against a 500-Deployment rollout), `startup`
// (--version, token, aws eks get-token, import of core), `install` (npm install of the packed
// packages, once per run), `access` (the access review of a 20-object release,
// scripts/bench-access.ts), `fleet` (scripts/bench-fleet.ts), `latency` (detection latency of every failure class:
// scripts/bench-latency.ts); the tables then show only what was measured. `--baseline DIR` also
// measures an earlier build of the CLI (a dist/ directory inside the workspace, where its
// dependencies resolve) as `kubeship-before`, for a before/after in the same run.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
// The testbed's source, by path: this script lives outside the workspace packages.
import {
  awscliPath,
  IMAGE_MARKERS,
  resolveManifestTools,
  startTestbed,
} from '../packages/testbed/src/index.ts';
import { FLEET_DEPLOYMENTS, fleetRound, fleetTable } from './bench-fleet.ts';
import { latencyBench } from './bench-latency.ts';

const GROUPS = [
  'small',
  'big',
  'release',
  'large',
  'startup',
  'install',
  'access',
  'fleet',
  'latency',
] as const;
type Group = (typeof GROUPS)[number];
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    only: { type: 'string', multiple: true },
    baseline: { type: 'string' },
  },
});
const ROUNDS = Math.max(1, Number(values.rounds));
const unknownGroup = (values.only ?? []).find((group) => !(GROUPS as readonly string[]).includes(group));
if (unknownGroup) {
  console.error(`[bench] --only ${unknownGroup}: expected one of ${GROUPS.join(', ')}`);
  process.exit(2);
}
const ONLY = new Set<Group>((values.only as Group[] | undefined) ?? GROUPS);
const BIG = 100;
const LARGE = 500;
/** Runs of each light command per round (their medians are of all rounds' runs). */
const STARTUP_RUNS = 5;
const TIMEOUT_S = 180;
const REPOSITORY = 'registry.local/bench';
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
// The CLI and core are built (as their package builds do, without type declarations) into private
// directories beside each package's node_modules: a rebuild of dist/ by a test run in the same
// tree cannot pull them away mid-run.
const benchDist = join(REPO_ROOT, 'packages', 'codebuild-runner', `.bench-${process.pid}`);
const coreDist = join(REPO_ROOT, 'packages', 'core', `.bench-${process.pid}`);
const bin = join(benchDist, 'bin.js');
/** `--baseline DIR`: an earlier build of the CLI (its dist/), measured beside this one as `kubeship-before`. */
const baselineBin = values.baseline ? resolve(values.baseline, 'bin.js') : undefined;
const work = mkdtempSync(join(tmpdir(), 'kubeship-bench-'));
/** npm beside this Node (the toolchain's), else the machine's. */
const npm = existsSync(join(dirname(process.execPath), 'npm'))
  ? join(dirname(process.execPath), 'npm')
  : 'npm';

/** The deploying tools: the peers as in CodeBuild (`eks`: aws eks get-token) and with a client certificate (`cert`). */
type Tool = 'kubeship' | 'kubeship-before' | 'script' | 'helm' | 'script-cert' | 'helm-cert';
const TOOL_NAMES: Record<Tool | 'rollout', string> = {
  kubeship: 'kubeship',
  'kubeship-before': 'kubeship (--baseline)',
  script: 'kubectl script (aws eks get-token)',
  helm: 'helm (aws eks get-token)',
  'script-cert': 'kubectl script (client certificate)',
  'helm-cert': 'helm (client certificate)',
  rollout: 'bare kubectl apply + wait',
};
interface Sample {
  readonly ms: number;
  readonly rssKb: number;
  readonly code: number;
  /** When the measured process started and ended (epoch ms): its window in the audit log. */
  readonly window: readonly [number, number];
}

// --- the application, as plain YAML every tool takes ---------------------------------------
function appObjects(options: { deployments: number; configMaps: number; replicas: number; image: string }) {
  const objects: object[] = [];
  for (let i = 0; i < options.deployments; i++) {
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `web-${i}`, labels: { app: `web-${i}` } },
      spec: {
        replicas: options.replicas,
        progressDeadlineSeconds: 30,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        selector: { matchLabels: { app: `web-${i}` } },
        template: {
          metadata: { labels: { app: `web-${i}` } },
          spec: {
            containers: [
              { name: 'web', image: options.image, ports: [{ name: 'http', containerPort: 8080 }] },
            ],
          },
        },
      },
    });
  }
  for (let i = 0; i < options.configMaps; i++) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `settings-${i}` },
      data: { LOG_LEVEL: 'info', INDEX: String(i) },
    });
  }
  if (options.deployments === 1) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web-0' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
  }
  return objects;
}

// JSON documents are YAML: every tool reads the same file (the comment keeps kubectl from
// taking the whole stream for one JSON document)
const toYaml = (objects: readonly object[]) =>
  objects.map((o) => `# ${(o as { kind: string }).kind}\n${JSON.stringify(o)}`).join('\n---\n');

/** The measured processes still running (one at a time). */
const running = new Set<ChildProcess>();

// --- measuring a child process ---------------------------------------------------------------
// Python's getrusage(RUSAGE_CHILDREN) gives the peak RSS of the largest process the command ran
// (the CLI itself; the biggest kubectl or aws of a script), and the wall time around it.
const WRAPPER = `
import resource, subprocess, sys, time
t = time.monotonic()
code = subprocess.call(sys.argv[1:])
ms = (time.monotonic() - t) * 1000
print(f"__bench rss_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} ms={ms:.0f}", file=sys.stderr)
sys.exit(code)
`;

function measure(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd = work,
): Promise<Sample & { output: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // its own process group, so that an interrupted bench can end the measured tool with it
    const child = spawn('python3', ['-c', WRAPPER, command, ...args], {
      detached: true,
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    running.add(child);
    child.on('close', (code) => {
      running.delete(child);
      const found = /__bench rss_kb=(\d+) ms=(\d+)/.exec(output);
      if (!found) return reject(new Error(`no measurement from ${command} ${args.join(' ')}:\n${output}`));
      resolve({
        ms: Number(found[2]),
        rssKb: Number(found[1]),
        code: code ?? -1,
        output,
        window: [started, Date.now()],
      });
    });
  });
}

/** Runs a setup command (not measured); fails loudly. */
async function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd = work,
): Promise<string> {
  const result = await measure(command, args, env, cwd);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.output}`);
  return result.output;
}

/** The API requests clients made in one window: their number and how many of each verb and resource. */
interface Requests {
  readonly count: number;
  readonly byKind: ReadonlyMap<string, number>;
  /** Of them, those the apiserver shed with 429 (max-in-flight or priority and fairness). */
  readonly shed: number;
}

/**
 * The API requests clients made in each window, from the apiserver's audit log (one event per
 * finished request; the control plane's own components are not logged): read once, at the end,
 * so that requests a tool's exit ended (its watches) are logged by then.
 */
function requestCounter(auditLog: string): (window: readonly [number, number]) => Requests {
  const events = readFileSync(auditLog, 'utf8')
    .split('\n')
    .flatMap((line) => {
      if (!line.includes('"stage":"ResponseComplete"') && !line.includes('"stage":"Panic"')) return [];
      const at = /"requestReceivedTimestamp":"([^"]+)"/.exec(line)?.[1];
      if (!at) return [];
      const verb = /"verb":"([^"]+)"/.exec(line)?.[1] ?? '?';
      const resource = /"objectRef":\{[^}]*"resource":"([^"]+)"/.exec(line)?.[1];
      const subresource = /"objectRef":\{[^}]*"subresource":"([^"]+)"/.exec(line)?.[1];
      const dryRun = line.includes('dryRun=All') ? ' (dry-run)' : '';
      const what = resource ? `${resource}${subresource ? `/${subresource}` : ''}` : 'discovery';
      const shed = /"responseStatus":\{[^}]*"code":429/.test(line);
      return [{ at: Date.parse(at), kind: `${verb} ${what}${dryRun}`, shed }];
    });
  return ([from, to]) => {
    const inside = events.filter((event) => event.at >= from && event.at <= to);
    const byKind = new Map<string, number>();
    for (const { kind } of inside) byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    return { count: inside.length, byKind, shed: inside.filter((event) => event.shed).length };
  };
}

// --- the tools ---------------------------------------------------------------------------------
// What the seed's buildspec did: `aws eks update-kubeconfig` (with an exec credential plugin that
// runs `aws eks get-token` for every kubectl process), `kubectl apply`, `kubectl rollout status` of
// each Deployment, `kubectl rollout undo` on failure. With EKS_CLUSTER unset (the strict variant),
// the testbed's client-certificate kubeconfig is used instead.
const UPDATE_KUBECONFIG = `if [ -n "\${EKS_CLUSTER:-}" ]; then
  aws eks update-kubeconfig --name "$EKS_CLUSTER" >/dev/null || exit 3
fi`;
const SEED_SCRIPT = `#!/usr/bin/env bash
set -u
${UPDATE_KUBECONFIG}
ns=$1; file=$2; shift 2
kubectl apply -n "$ns" -f "$file" >/dev/null || exit 2
for d in "$@"; do
  if ! kubectl rollout status -n "$ns" "deployment/$d" --timeout=${TIMEOUT_S}s >/dev/null; then
    for u in "$@"; do kubectl rollout undo -n "$ns" "deployment/$u" >/dev/null; done
    for u in "$@"; do kubectl rollout status -n "$ns" "deployment/$u" --timeout=${TIMEOUT_S}s >/dev/null; done
    exit 1
  fi
done
`;
const HELM_SCRIPT = `#!/usr/bin/env bash
set -u
${UPDATE_KUBECONFIG}
exec helm "$@"
`;
// The bare rollout of the release pairs: apply, and wait until every Deployment is Available.
const ROLLOUT_SCRIPT = `#!/usr/bin/env bash
set -eu
kubectl apply -n "$1" -f "$2" >/dev/null
kubectl wait -n "$1" --for=condition=Available deployment --all --timeout=${TIMEOUT_S}s >/dev/null
`;

interface Target {
  readonly tool: Tool | 'rollout';
  readonly namespace: string;
  readonly dir: string;
}

type Testbed = Awaited<ReturnType<typeof startTestbed>>;

async function main(): Promise<void> {
  const tools = resolveManifestTools();
  const started = Date.now();
  console.error(`[bench] starting the testbed (6 KWOK nodes); ${ROUNDS} rounds; work dir ${work}`);
  const build = (name: string, outDir: string) =>
    execFileSync('pnpm', ['--filter', name, 'exec', 'tsup', '--out-dir', outDir, '--no-dts', '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  build('@kubeship/codebuild-runner', benchDist);
  if (ONLY.has('startup')) {
    // core's build imports @kubeship/manifests from that package's dist/
    execFileSync('pnpm', ['--filter', '@kubeship/manifests', 'exec', 'tsup', '--no-dts', '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    build('@kubeship/core', coreDist);
  }
  // 6 nodes of 110 pods: room for the 500-Deployment release and its surge
  const testbed = await startTestbed({ clusterName: 'bench', nodes: 6, auditLog: true });
  const stop = async () => {
    await testbed.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(benchDist, { recursive: true, force: true });
    rmSync(coreDist, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      for (const child of running) if (child.pid) process.kill(-child.pid, 'SIGKILL');
      void stop().finally(() => process.exit(130));
    });
  try {
    // in a process of its own: it runs core's source (its workspace imports resolve to source there)
    if (ONLY.has('access'))
      console.log(
        execFileSync(
          process.execPath,
          ['--conditions=kubeship-source', fileURLToPath(new URL('./bench-access.ts', import.meta.url))],
          { encoding: 'utf8', env: { ...process.env, KUBECONFIG: testbed.adminKubeconfigPath } },
        ).trim(),
      );
    await rounds(testbed, tools, started);
  } finally {
    await stop();
  }
}

async function rounds(testbed: Testbed, tools: string, started: number): Promise<void> {
  const helm = join(tools, 'helm');
  const venvBin = dirname(awscliPath());
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    // helm, kustomize and kubectl as ./dev builds them (kubectl of the testbed's release); awscli v1
    PATH: `${tools}:${venvBin}:${process.env.PATH}`,
    KUBECONFIG: testbed.adminKubeconfigPath,
    AWS_ACCESS_KEY_ID: testbed.aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: testbed.aws.credentials.secretAccessKey,
    AWS_REGION: testbed.region,
    AWS_DEFAULT_REGION: testbed.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
  };
  const env: NodeJS.ProcessEnv = { ...base, AWS_ENDPOINT_URL: testbed.aws.endpointUrl };
  // the peers' awscli: EKS at moto; STS stays the regional endpoint, which the token names
  // (get-token presigns locally and calls nothing)
  const eksEnv = (dir: string): NodeJS.ProcessEnv => ({
    ...base,
    AWS_ENDPOINT_URL_EKS: testbed.aws.endpointUrl,
    EKS_CLUSTER: testbed.clusterName,
    KUBECONFIG: join(dir, 'kubeconfig'),
  });
  for (const [name, text] of [
    ['seed.sh', SEED_SCRIPT],
    ['helm.sh', HELM_SCRIPT],
    ['rollout.sh', ROLLOUT_SCRIPT],
  ] as const)
    writeFileSync(join(work, name), text, { mode: 0o755 });
  const versions = {
    kubectl: (await run('kubectl', ['version', '--client'], env)).split('\n')[0]?.trim(),
    helm: (await run(helm, ['version', '--short'], env)).split('\n')[0]?.trim(),
    aws: (await run('aws', ['--version'], env)).split('\n')[0]?.trim(),
  };

  let serial = 0;
  const prepare = async (tool: Target['tool']): Promise<Target> => {
    const namespace = `bench-${tool}-${++serial}`;
    const dir = join(work, namespace);
    mkdirSync(join(dir, 'templates'), { recursive: true });
    await run('kubectl', ['create', 'namespace', namespace], env);
    if (tool.startsWith('kubeship')) {
      writeFileSync(
        join(dir, 'kubeship.config.json'),
        JSON.stringify({
          templates: { files: ['app.yaml'], name: 'web', imageRepository: REPOSITORY },
          environments: {
            bench: {
              cluster: { name: testbed.clusterName, region: testbed.region },
              namespace,
              timeoutSeconds: TIMEOUT_S,
            },
          },
        }),
      );
    }
    if (tool === 'helm' || tool === 'helm-cert')
      writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    return { tool, namespace, dir };
  };
  const remove = (target: Target) =>
    run('kubectl', ['delete', 'namespace', target.namespace, '--wait=true', '--timeout=300s'], env);

  /** One deploy of `objects` by the target's tool, from an empty HOME as a CodeBuild container has. */
  const deploy = (
    target: Target,
    objects: readonly object[],
    image: string,
    deployments: number,
  ): Promise<Sample & { output: string }> => {
    const helmTool = target.tool === 'helm' || target.tool === 'helm-cert';
    const file = join(target.dir, helmTool ? 'templates/app.yaml' : 'app.yaml');
    writeFileSync(file, toYaml(objects));
    const names = Array.from({ length: deployments }, (_, i) => `web-${i}`);
    const home = join(target.dir, `home-${++serial}`);
    mkdirSync(home);
    const toolEnv =
      target.tool === 'script' || target.tool === 'helm'
        ? eksEnv(target.dir)
        : target.tool.endsWith('-cert')
          ? base
          : env;
    // (and an empty temp dir: no compile cache of an earlier run)
    const withHome = { ...toolEnv, HOME: home, TMPDIR: home };
    switch (target.tool) {
      case 'kubeship':
      case 'kubeship-before':
        return measure(
          process.execPath,
          [
            target.tool === 'kubeship' ? bin : (baselineBin as string),
            'deploy',
            '--env',
            'bench',
            '--image',
            image,
          ],
          withHome,
          target.dir,
        );
      case 'script':
      case 'script-cert':
        return measure('bash', [join(work, 'seed.sh'), target.namespace, file, ...names], withHome);
      case 'helm':
      case 'helm-cert':
        return measure(
          'bash',
          [
            join(work, 'helm.sh'),
            'upgrade',
            '--install',
            'web',
            target.dir,
            '--namespace',
            target.namespace,
            '--wait',
            '--rollback-on-failure',
            '--timeout',
            `${TIMEOUT_S}s`,
          ],
          withHome,
        );
      case 'rollout':
        return measure('bash', [join(work, 'rollout.sh'), target.namespace, file], withHome);
    }
  };

  const samples = new Map<string, Sample[]>();
  const record = (
    tool: string,
    scenario: string,
    sample: Sample & { output: string },
    expected: 'ok' | 'fail',
  ) => {
    const ok = expected === 'ok' ? sample.code === 0 : sample.code !== 0;
    console.error(
      `[bench] ${tool.padEnd(11)} ${scenario.padEnd(24)} ${(sample.ms / 1000).toFixed(2).padStart(7)} s  ${(sample.rssKb / 1024).toFixed(0).padStart(4)} MB  exit ${sample.code}${ok ? '' : '  UNEXPECTED'}`,
    );
    if (!ok) console.error(sample.output.split('\n').slice(-15).join('\n'));
    const key = `${tool}\t${scenario}`;
    samples.set(key, [...(samples.get(key) ?? []), sample]);
  };

  const fleetRounds: Array<Awaited<ReturnType<typeof fleetRound>>> = [];
  const order: Tool[] = [
    'kubeship',
    ...(baselineBin ? (['kubeship-before'] as const) : []),
    'script',
    'helm',
    'script-cert',
    'helm-cert',
  ];
  const installs: InstallResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const turn = [...order.slice(round % order.length), ...order.slice(0, round % order.length)];
    console.error(`[bench] round ${round + 1}/${ROUNDS}: ${turn.join(', ')}`);
    if (ONLY.has('startup')) await startup(testbed, env, record);
    for (const tool of ONLY.has('small') ? turn : []) {
      const target = await prepare(tool);
      const small = (image: string) => appObjects({ deployments: 1, configMaps: 1, replicas: 2, image });
      record(
        tool,
        'first deploy',
        await deploy(target, small(`${REPOSITORY}:1`), `${REPOSITORY}:1`, 1),
        'ok',
      );
      record(
        tool,
        'rolling update',
        await deploy(target, small(`${REPOSITORY}:2`), `${REPOSITORY}:2`, 1),
        'ok',
      );
      // the strict variants show only the success path: their failure path is the same waiting
      if (!tool.endsWith('-cert')) {
        const bad = `${REPOSITORY}:3-${IMAGE_MARKERS.crashLoop}`;
        record(tool, 'crash-looping release', await deploy(target, small(bad), bad, 1), 'fail');
      }
      await remove(target);
    }
    for (const tool of ONLY.has('big') ? turn : []) {
      const target = await prepare(tool);
      const image = `${REPOSITORY}:1`;
      record(
        tool,
        `${BIG} Deployments`,
        await deploy(target, appObjects({ deployments: BIG, configMaps: 0, replicas: 1, image }), image, BIG),
        'ok',
      );
      await remove(target);
    }
    // kubeship's whole release (verified, recorded) against one bare rollout, rotated too
    for (const [group, size] of [
      ['release', BIG],
      ['large', LARGE],
    ] as const) {
      const pair: Array<'kubeship' | 'rollout'> =
        round % 2 === 0 ? ['kubeship', 'rollout'] : ['rollout', 'kubeship'];
      for (const tool of ONLY.has(group) ? pair : []) {
        const target = await prepare(tool);
        const image = `${REPOSITORY}:1`;
        const objects = appObjects({
          deployments: size,
          configMaps: tool === 'kubeship' ? size : 0,
          replicas: 1,
          image,
        });
        record(tool, releaseScenario(tool, size), await deploy(target, objects, image, size), 'ok');
        await remove(target);
      }
    }
    if (ONLY.has('fleet'))
      fleetRounds.push(
        await fleetRound(
          {
            work,
            bin,
            kubeconfig,
            timeoutSeconds: TIMEOUT_S,
            env,
            measure,
            createNamespace: async (name, config) =>
              void (await run('kubectl', ['--kubeconfig', config, 'create', 'namespace', name], env)),
            appYaml: (image) =>
              toYaml(appObjects({ deployments: FLEET_DEPLOYMENTS, configMaps: 0, replicas: 1, image })),
          },
          round,
          `${REPOSITORY}:1`,
        ),
      );
    if (ONLY.has('install') && round === 0) installs.push(...(await install(env)));
  }
  const requests = requestCounter(join(testbed.dataDir, 'logs', 'audit.log'));
  const fleet = ONLY.has('fleet') ? fleetTable(fleetRounds, median) : [];
  console.log([report(samples, requests, installs, versions, Date.now() - started), ...fleet].join('\n'));
  if (ONLY.has('latency'))
    console.log(`\n${await latencyBench({ testbed, env, bin, helm, rounds: ROUNDS, work })}`);
}

const releaseScenario = (tool: 'kubeship' | 'rollout', size: number) =>
  tool === 'kubeship' ? `release ${size} D + ${size} CM` : `rollout ${size} D`;

// --- start-up of the light commands ---------------------------------------------------------------
/**
 * A loopback container credentials endpoint, as CodeBuild serves the build role's session
 * (AWS_CONTAINER_CREDENTIALS_*), handing out `credentials`.
 */
async function containerCredentialsEndpoint(credentials: { accessKeyId: string; secretAccessKey: string }) {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        Token: 'bench-session-token',
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/credentials/bench`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * `kubeship --version`, `kubeship token` (keys in the environment, and a CodeBuild container's
 * credentials endpoint), `aws eks get-token` (both ways) and `import('@kubeship/core')`.
 */
async function startup(
  testbed: Testbed,
  env: NodeJS.ProcessEnv,
  record: (tool: string, scenario: string, sample: Sample & { output: string }, expected: 'ok') => void,
): Promise<void> {
  const cluster = ['--cluster-name', testbed.clusterName, '--region', testbed.region];
  const core = join(coreDist, 'index.js');
  const endpoint = await containerCredentialsEndpoint(testbed.aws.credentials);
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...noKeys } = env;
  const inContainer = { ...noKeys, AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url };
  const commands: Array<[string, string, string, readonly string[], NodeJS.ProcessEnv?]> = [
    ['kubeship', '--version', process.execPath, [bin, '--version']],
    ['kubeship', 'token', process.execPath, [bin, 'token', ...cluster]],
    ['kubeship', CONTAINER_TOKEN, process.execPath, [bin, 'token', ...cluster], inContainer],
    ...(baselineBin
      ? ([
          ['kubeship-before', '--version', process.execPath, [baselineBin, '--version']],
          ['kubeship-before', 'token', process.execPath, [baselineBin, 'token', ...cluster]],
          [
            'kubeship-before',
            CONTAINER_TOKEN,
            process.execPath,
            [baselineBin, 'token', ...cluster],
            inContainer,
          ],
        ] as const)
      : []),
    ['aws', 'eks get-token', 'aws', ['eks', 'get-token', ...cluster]],
    ['aws', `eks get-token ${CONTAINER}`, 'aws', ['eks', 'get-token', ...cluster], inContainer],
    ['node', 'node -e ""', process.execPath, ['-e', '']],
    [
      'node',
      "import('@kubeship/core')",
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(core)})`],
    ],
  ];
  try {
    for (const [tool, scenario, command, args, commandEnv = env] of commands)
      for (let i = 0; i < STARTUP_RUNS; i++)
        record(tool, scenario, await measure(command, args, commandEnv), 'ok');
  } finally {
    await endpoint.close();
  }
}

const CONTAINER = '(container credentials)';
const CONTAINER_TOKEN = `token ${CONTAINER}`;

// --- install of the packed packages ------------------------------------------------------------
interface InstallResult {
  readonly what: string;
  readonly ms?: number;
  readonly packages?: number;
  readonly bytes?: number;
  readonly tarballBytes?: number;
  readonly problem?: string;
}

/** Bytes of every file under `dir`. */
const diskUsage = (dir: string): number => Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);

/** The packages installed in `nodeModules` (scoped ones counted one by one, nested ones too). */
function countPackages(nodeModules: string): number {
  if (!existsSync(nodeModules)) return 0;
  let count = 0;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@')
      ? readdirSync(join(nodeModules, entry)).map((name) => join(entry, name))
      : [entry];
    for (const name of names) count += 1 + countPackages(join(nodeModules, name, 'node_modules'));
  }
  return count;
}

/**
 * Packs the published packages as they are built for release and installs them with npm, each
 * set into an empty folder with an empty npm cache: the CLI alone, offline (it has no dependency
 * to fetch), then the libraries with theirs from the registry.
 */
async function install(env: NodeJS.ProcessEnv): Promise<InstallResult[]> {
  const packed = join(work, 'packed');
  mkdirSync(packed);
  const names = ['@kubeship/manifests', '@kubeship/core', '@kubeship/codebuild-runner'];
  await run('pnpm', [...names.flatMap((name) => ['--filter', name]), 'run', 'build'], env, REPO_ROOT);
  for (const name of names)
    await run('pnpm', ['--filter', name, 'pack', '--pack-destination', packed], env, REPO_ROOT);
  const tarball = (prefix: string) => {
    const file = readdirSync(packed).find((f) => f.startsWith(prefix) && f.endsWith('.tgz'));
    if (!file) throw new Error(`no ${prefix}*.tgz in ${packed}`);
    return join(packed, file);
  };
  const sets: Array<[string, string[], boolean]> = [
    ['@kubeship/codebuild-runner (the CLI), offline', [tarball('kubeship-codebuild-runner-')], true],
    [
      '@kubeship/core + @kubeship/manifests (libraries), from the registry',
      [tarball('kubeship-core-'), tarball('kubeship-manifests-')],
      false,
    ],
  ];
  const results: InstallResult[] = [];
  for (const [what, tarballs, offline] of sets) {
    const dir = mkdtempSync(join(work, 'install-'));
    const npmEnv = {
      ...env,
      npm_config_cache: join(dir, '.npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    };
    const args = ['install', '--no-audit', '--no-fund', ...(offline ? ['--offline'] : []), ...tarballs];
    const sample = await measure(npm, args, npmEnv, dir);
    const tarballBytes = tarballs.reduce((sum, file) => sum + diskUsage(file), 0);
    if (sample.code !== 0) {
      results.push({ what, tarballBytes, problem: sample.output.split('\n').slice(-3).join(' ').trim() });
      continue;
    }
    const nodeModules = join(dir, 'node_modules');
    results.push({
      what,
      ms: sample.ms,
      packages: countPackages(nodeModules),
      bytes: diskUsage(nodeModules),
      tarballBytes,
    });
    console.error(`[bench] install     ${what}: ${(sample.ms / 1000).toFixed(1)} s`);
  }
  return results;
}

// --- the report ----------------------------------------------------------------------------------
const median = (numbers: readonly number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

function report(
  samples: Map<string, Sample[]>,
  requests: (window: readonly [number, number]) => Requests,
  installs: readonly InstallResult[],
  versions: Record<string, string | undefined>,
  totalMs: number,
): string {
  const stat = (tool: string, scenario: string) => {
    const list = samples.get(`${tool}\t${scenario}`) ?? [];
    return {
      s: median(list.map((x) => x.ms)) / 1000,
      mb: median(list.map((x) => x.rssKb)) / 1024,
      requests: median(list.map((x) => requests(x.window).count)),
      shed: median(list.map((x) => requests(x.window).shed)),
      n: list.length,
    };
  };
  type Stat = ReturnType<typeof stat>;
  const cell = (x: Stat) =>
    x.n === 0
      ? ''
      : `${x.s.toFixed(2)} s, ${x.mb.toFixed(0)} MB, ${x.requests.toFixed(0)} req${x.shed > 0 ? ` (${x.shed.toFixed(0)} shed: 429)` : ''}`;
  const ratio = (x: Stat, k: Stat) => (x.n === 0 || k.n === 0 ? '' : `${(x.s / k.s).toFixed(2)}x`);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  const lines = [
    `Benchmark: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; testbed (kube-apiserver, controller-manager, scheduler, 6 KWOK nodes, pods Ready 0.5 s after scheduling); ${ROUNDS} rounds, medians; ${versions.kubectl}; helm ${versions.helm}; ${versions.aws}; total ${(totalMs / 60000).toFixed(1)} min`,
  ];
  const scenarios = [
    ...(ONLY.has('small') ? ['first deploy', 'rolling update', 'crash-looping release'] : []),
    ...(ONLY.has('big') ? [`${BIG} Deployments`] : []),
  ];
  if (scenarios.length > 0) {
    const tools: Tool[] = [
      'kubeship',
      'script',
      'helm',
      'script-cert',
      'helm-cert',
      ...(baselineBin ? (['kubeship-before'] as const) : []),
    ];
    lines.push(
      '',
      `| scenario (time, peak RSS, API requests) | ${tools.map((t) => TOOL_NAMES[t]).join(' | ')} | helm / kubeship | helm (cert) / kubeship |`,
      `|---|${tools.map(() => '---|').join('')}---|---|`,
    );
    for (const scenario of scenarios) {
      const stats = tools.map((tool) => stat(tool, scenario));
      const [k, , h, , hc] = stats as [Stat, Stat, Stat, Stat, Stat];
      lines.push(`| ${scenario} | ${stats.map(cell).join(' | ')} | ${ratio(h, k)} | ${ratio(hc, k)} |`);
    }
  }
  // where the requests of one first deploy go, per tool (its first round)
  const firstDeploys = (['kubeship', 'helm', 'script'] as const).map(
    (tool) => samples.get(`${tool}\tfirst deploy`)?.[0],
  );
  if (firstDeploys.every((sample) => sample !== undefined)) {
    const [k, h, sc] = firstDeploys.map((sample) => requests((sample as Sample).window).byKind);
    const kinds = [...new Set([...(k?.keys() ?? []), ...(h?.keys() ?? []), ...(sc?.keys() ?? [])])].sort();
    lines.push(
      '',
      '| API requests of one first deploy (round 1), by verb and resource | kubeship | helm (aws eks get-token) | kubectl script (aws eks get-token) |',
      '|---|---|---|---|',
      ...kinds.map(
        (kind) => `| ${kind} | ${k?.get(kind) ?? ''} | ${h?.get(kind) ?? ''} | ${sc?.get(kind) ?? ''} |`,
      ),
    );
  }
  const pairs = [...(ONLY.has('release') ? [BIG] : []), ...(ONLY.has('large') ? [LARGE] : [])];
  if (pairs.length > 0) {
    lines.push(
      '',
      '| release (verified and recorded) against a bare rollout | kubeship | bare kubectl apply + wait | kubeship / bare |',
      '|---|---|---|---|',
    );
    for (const size of pairs) {
      const k = stat('kubeship', releaseScenario('kubeship', size));
      const r = stat('rollout', releaseScenario('rollout', size));
      // where kubeship's requests went, for the note: verb and resource, most first
      for (const sample of samples.get(`kubeship\t${releaseScenario('kubeship', size)}`) ?? [])
        console.error(
          `[bench] kubeship release of ${2 * size} objects, requests: ${[...requests(sample.window).byKind]
            .sort((a, b) => b[1] - a[1])
            .map(([kind, n]) => `${kind} ${n}`)
            .join(', ')}`,
        );
      lines.push(
        `| ${size} Deployments + ${size} ConfigMaps (the bare rollout: ${size} Deployments) | ${cell(k)} | ${cell(r)} | ${ratio(k, r)} |`,
      );
    }
  }
  if (ONLY.has('startup')) {
    lines.push('', '| start-up (medians of all runs) | time | peak RSS |', '|---|---|---|');
    for (const [tool, scenario] of [
      ['kubeship', '--version'],
      ['kubeship', 'token'],
      ['kubeship', CONTAINER_TOKEN],
      ...(baselineBin
        ? ([
            ['kubeship-before', '--version'],
            ['kubeship-before', 'token'],
            ['kubeship-before', CONTAINER_TOKEN],
          ] as const)
        : []),
      ['aws', 'eks get-token'],
      ['aws', `eks get-token ${CONTAINER}`],
      ['node', 'node -e ""'],
      ['node', "import('@kubeship/core')"],
    ] as const) {
      const x = stat(tool, scenario);
      const label = tool === 'node' ? scenario : `${tool} ${scenario}`;
      lines.push(`| ${label} | ${(x.s * 1000).toFixed(0)} ms | ${x.mb.toFixed(0)} MB |`);
    }
  }
  if (installs.length > 0) {
    lines.push(
      '',
      '| npm install of the packed packages, empty folder, empty cache | time | packages | on disk | tarballs |',
      '|---|---|---|---|---|',
    );
    for (const i of installs)
      lines.push(
        i.problem
          ? `| ${i.what} | failed: ${i.problem} | | | ${mib(i.tarballBytes ?? 0)} |`
          : `| ${i.what} | ${((i.ms ?? 0) / 1000).toFixed(1)} s | ${i.packages} | ${mib(i.bytes ?? 0)} | ${mib(i.tarballBytes ?? 0)} |`,
      );
  }
  return lines.join('\n');
}

await main();
