// `./dev bench`: kubeship side by side with a seed-style kubectl script and with Helm, on one
// local testbed (a real control plane, KWOK nodes, moto as AWS). A script, never a timed test.
//
// The same application (one Deployment of 2 replicas, a Service and a ConfigMap; or 100
// Deployments) is deployed by each tool in a fresh namespace: a first deploy, a rolling update, a
// crash-looping release (which each tool must notice and undo), and a first deploy of 100
// Deployments. The order of the tools rotates between rounds, so no tool always meets a fuller
// cluster. Every tool runs as a child process under a small Python wrapper that reports its wall
// time and peak RSS (getrusage of the children: the largest process of the run). Medians of the
// rounds are printed as a markdown table, with the ratios to kubeship.
//
// Issue 11's figure is measured in the same run: a release of 100 Deployments and 100 ConfigMaps
// deployed, verified and recorded by kubeship, against one bare 100-Deployment rollout
// (`kubectl apply` + `kubectl wait --for=condition=Available`).
//
// Usage: ./dev bench [--rounds N] (default 3) [--only small|big|release|access|fleet ...]; ./dev builds
// the helm and kubectl it runs. `--only` (repeatable) runs only those groups of scenarios: `small` (first
// deploy, rolling update, crash-looping release), `big` (100 Deployments), `release` (issue 11's
// pair), `access` (the access review of a 20-object release, scripts/bench-access.ts), `fleet`
// (scripts/bench-fleet.ts); the table then shows only what was measured.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
// The testbed's source, by path: this script lives outside the workspace packages.
import { IMAGE_MARKERS, resolveManifestTools, startTestbed } from '../packages/testbed/src/index.ts';
import { FLEET_DEPLOYMENTS, fleetRound, fleetTable } from './bench-fleet.ts';

const GROUPS = ['small', 'big', 'release', 'access', 'fleet'] as const;
type Group = (typeof GROUPS)[number];
const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, only: { type: 'string', multiple: true } },
});
const ROUNDS = Math.max(1, Number(values.rounds));
const unknownGroup = (values.only ?? []).find((group) => !(GROUPS as readonly string[]).includes(group));
if (unknownGroup) {
  console.error(`[bench] --only ${unknownGroup}: expected one of ${GROUPS.join(', ')}`);
  process.exit(2);
}
const ONLY = new Set<Group>((values.only as Group[] | undefined) ?? GROUPS);
const BIG = 100;
const TIMEOUT_S = 120;
const REPOSITORY = 'registry.local/bench';
// The CLI is built (as its package build does, without type declarations) into a private
// directory beside the package's node_modules: a rebuild of dist/ by a test run in the same tree
// cannot pull it away mid-run.
const benchDist = fileURLToPath(
  new URL(`../packages/codebuild-runner/.bench-${process.pid}/`, import.meta.url),
);
const bin = join(benchDist, 'bin.js');
const work = mkdtempSync(join(tmpdir(), 'kubeship-bench-'));

type Tool = 'kubeship' | 'script' | 'helm';
type Scenario = 'first deploy' | 'rolling update' | 'crash-looping release' | `${number} Deployments`;
interface Sample {
  readonly ms: number;
  readonly rssKb: number;
  readonly code: number;
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
// (the CLI itself; the biggest kubectl of a script), and the wall time around it.
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
      resolve({ ms: Number(found[2]), rssKb: Number(found[1]), code: code ?? -1, output });
    });
  });
}

/** Runs a setup command (not measured); fails loudly. */
async function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await measure(command, args, env);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.output}`);
  return result.output;
}

// --- the three tools ---------------------------------------------------------------------------
// What the seed's buildspec did: `aws eks update-kubeconfig` (here the testbed's admin kubeconfig
// stands in for it: no awscli token exec per kubectl call, which favours the script), `kubectl
// apply`, `kubectl rollout status` of each Deployment, `kubectl rollout undo` on failure.
const SEED_SCRIPT = `#!/usr/bin/env bash
set -u
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
// The bare rollout of issue 11's figure: apply, and wait until every Deployment is Available.
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

async function main(): Promise<void> {
  const tools = resolveManifestTools();
  const started = Date.now();
  console.error(`[bench] starting the testbed (4 KWOK nodes); ${ROUNDS} rounds; work dir ${work}`);
  execFileSync(
    'pnpm',
    [
      '--filter',
      '@kubeship/codebuild-runner',
      'exec',
      'tsup',
      '--out-dir',
      benchDist,
      '--no-dts',
      '--silent',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const testbed = await startTestbed({ clusterName: 'bench', nodes: 4 });
  const stop = async () => {
    await testbed.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(benchDist, { recursive: true, force: true });
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

async function rounds(
  testbed: Awaited<ReturnType<typeof startTestbed>>,
  tools: string,
  started: number,
): Promise<void> {
  const helm = join(tools, 'helm');
  const kubeconfig = testbed.adminKubeconfigPath;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // helm, kustomize and kubectl as ./dev builds them (kubectl of the testbed's release)
    PATH: `${tools}:${process.env.PATH}`,
    KUBECONFIG: kubeconfig,
    AWS_ENDPOINT_URL: testbed.aws.endpointUrl,
    AWS_ACCESS_KEY_ID: testbed.aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: testbed.aws.credentials.secretAccessKey,
    AWS_REGION: testbed.region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
  };
  writeFileSync(join(work, 'seed.sh'), SEED_SCRIPT, { mode: 0o755 });
  writeFileSync(join(work, 'rollout.sh'), ROLLOUT_SCRIPT, { mode: 0o755 });
  const versions = {
    kubectl: (await run('kubectl', ['version', '--client'], env)).split('\n')[0]?.trim(),
    helm: (await run(helm, ['version', '--short'], env)).split('\n')[0]?.trim(),
  };

  let serial = 0;
  const prepare = async (tool: Target['tool']): Promise<Target> => {
    const namespace = `bench-${tool}-${++serial}`;
    const dir = join(work, namespace);
    mkdirSync(join(dir, 'templates'), { recursive: true });
    await run('kubectl', ['create', 'namespace', namespace], env);
    if (tool === 'kubeship') {
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
    if (tool === 'helm')
      writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    return { tool, namespace, dir };
  };
  const remove = (target: Target) =>
    run('kubectl', ['delete', 'namespace', target.namespace, '--wait=true', '--timeout=300s'], env);

  /** One deploy of `objects` by the target's tool; the YAML is the same for every tool. */
  const deploy = (
    target: Target,
    objects: readonly object[],
    image: string,
    deployments: number,
  ): Promise<Sample & { output: string }> => {
    const file = join(target.dir, target.tool === 'helm' ? 'templates/app.yaml' : 'app.yaml');
    writeFileSync(file, toYaml(objects));
    const names = Array.from({ length: deployments }, (_, i) => `web-${i}`);
    switch (target.tool) {
      case 'kubeship':
        return measure(
          process.execPath,
          [bin, 'deploy', '--env', 'bench', '--image', image],
          env,
          target.dir,
        );
      case 'script':
        return measure('bash', [join(work, 'seed.sh'), target.namespace, file, ...names], env);
      case 'helm':
        return measure(
          helm,
          [
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
          env,
        );
      case 'rollout':
        return measure('bash', [join(work, 'rollout.sh'), target.namespace, file], env);
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
      `[bench] ${tool.padEnd(8)} ${scenario.padEnd(24)} ${(sample.ms / 1000).toFixed(1).padStart(6)} s  ${(sample.rssKb / 1024).toFixed(0).padStart(4)} MB  exit ${sample.code}${ok ? '' : '  UNEXPECTED'}`,
    );
    if (!ok) console.error(sample.output.split('\n').slice(-15).join('\n'));
    const key = `${tool}\t${scenario}`;
    samples.set(key, [...(samples.get(key) ?? []), sample]);
  };

  const fleetRounds: Array<Awaited<ReturnType<typeof fleetRound>>> = [];
  const order: Tool[] = ['kubeship', 'script', 'helm'];
  for (let round = 0; round < ROUNDS; round++) {
    const turn = [...order.slice(round % 3), ...order.slice(0, round % 3)];
    console.error(`[bench] round ${round + 1}/${ROUNDS}: ${turn.join(', ')}`);
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
      const bad = `${REPOSITORY}:3-${IMAGE_MARKERS.crashLoop}`;
      record(tool, 'crash-looping release', await deploy(target, small(bad), bad, 1), 'fail');
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
    // issue 11: kubeship's whole release (verified, recorded) against one bare rollout, rotated too
    const pair: Array<'kubeship' | 'rollout'> =
      round % 2 === 0 ? ['kubeship', 'rollout'] : ['rollout', 'kubeship'];
    for (const tool of ONLY.has('release') ? pair : []) {
      const target = await prepare(tool);
      const image = `${REPOSITORY}:1`;
      const objects = appObjects({
        deployments: BIG,
        configMaps: tool === 'kubeship' ? BIG : 0,
        replicas: 1,
        image,
      });
      record(
        tool,
        tool === 'kubeship' ? 'release 100 D + 100 CM' : 'rollout 100 D',
        await deploy(target, objects, image, BIG),
        'ok',
      );
      await remove(target);
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
  }
  const fleet = ONLY.has('fleet') ? fleetTable(fleetRounds, median) : [];
  console.log([report(samples, versions, Date.now() - started), ...fleet].join('\n'));
}

const median = (numbers: readonly number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

function report(
  samples: Map<string, Sample[]>,
  versions: Record<string, string | undefined>,
  totalMs: number,
): string {
  const stat = (tool: string, scenario: string) => {
    const list = samples.get(`${tool}\t${scenario}`) ?? [];
    return {
      s: median(list.map((x) => x.ms)) / 1000,
      mb: median(list.map((x) => x.rssKb)) / 1024,
      n: list.length,
    };
  };
  const scenarios: Scenario[] = [
    ...(ONLY.has('small') ? (['first deploy', 'rolling update', 'crash-looping release'] as const) : []),
    ...(ONLY.has('big') ? ([`${BIG} Deployments`] as const) : []),
  ];
  const lines = [
    `Benchmark: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; testbed (kube-apiserver, controller-manager, scheduler, 4 KWOK nodes, pods Ready 0.5 s after scheduling); ${ROUNDS} rounds, medians; ${versions.kubectl}; helm ${versions.helm}; total ${(totalMs / 60000).toFixed(1)} min`,
  ];
  if (scenarios.length > 0)
    lines.push(
      '',
      '| scenario | kubeship | kubectl script | helm --wait --rollback-on-failure | script / kubeship | helm / kubeship |',
      '|---|---|---|---|---|---|',
    );
  for (const scenario of scenarios) {
    const [k, s, h] = (['kubeship', 'script', 'helm'] as const).map((tool) => stat(tool, scenario));
    const cell = (x: { s: number; mb: number }) => `${x.s.toFixed(1)} s, ${x.mb.toFixed(0)} MB`;
    lines.push(
      `| ${scenario} | ${cell(k as { s: number; mb: number })} | ${cell(s as { s: number; mb: number })} | ${cell(h as { s: number; mb: number })} | ${((s?.s ?? 0) / (k?.s ?? 1)).toFixed(2)}x | ${((h?.s ?? 0) / (k?.s ?? 1)).toFixed(2)}x |`,
    );
  }
  if (!ONLY.has('release')) return lines.join('\n');
  const release = stat('kubeship', 'release 100 D + 100 CM');
  const rollout = stat('rollout', 'rollout 100 D');
  lines.push(
    '',
    '| issue 11 | time | peak RSS |',
    '|---|---|---|',
    `| kubeship: release of 100 Deployments + 100 ConfigMaps, verified and recorded | ${release.s.toFixed(1)} s | ${release.mb.toFixed(0)} MB |`,
    `| one 100-Deployment rollout (kubectl apply + kubectl wait Available) | ${rollout.s.toFixed(1)} s | ${rollout.mb.toFixed(0)} MB |`,
    `| ratio (target <= 1.3x, RSS <= 200 MB) | ${(release.s / rollout.s).toFixed(2)}x | |`,
  );
  return lines.join('\n');
}

await main();
