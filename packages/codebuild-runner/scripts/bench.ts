// Cold start of the built `kubeship` binary, beside `aws eks get-token` measured in the same run.
// Each sample is a fresh process (file cache warm, as in a CodeBuild step after `npm ci`); the
// commands take turns so that machine noise spreads evenly. Nothing touches the network: the
// token is signed locally with fixed credentials.
//
//   pnpm --filter @kubeship/codebuild-runner run build
//   node packages/codebuild-runner/scripts/bench.ts [--runs 15] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, json: { type: 'boolean', default: false } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive whole number, not ${values.runs}`);

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const ensureVenv = fileURLToPath(new URL('../../testbed/scripts/ensure-venv.sh', import.meta.url));
if (!existsSync(bin)) {
  console.error(`${bin} is missing: run pnpm --filter @kubeship/codebuild-runner run build first`);
  process.exit(1);
}

// The testbed's cached virtualenv holds awscli v1, the reference `aws eks get-token`.
const venv = spawnSync('bash', [ensureVenv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (venv.status !== 0) throw new Error(`${ensureVenv} failed (${venv.status})`);
const awsCli = join(venv.stdout.trim(), 'bin', 'aws');

const work = mkdtempSync(join(tmpdir(), 'kubeship-bench-'));
writeFileSync(
  join(work, 'kubeship.config.yaml'),
  `app:
  name: web
  image: registry.local/web:1
  ports: [{ name: http, containerPort: 8080 }]
  probes: { readiness: false }
  env: { DB_PASSWORD: { ssm: /web/test/DB_PASSWORD } }
environments:
  test: { cluster: { name: bench, region: us-east-1 }, namespace: web }
`,
);
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: work,
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
};

interface Case {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Checks one run's output, so a broken command cannot look fast. */
  readonly check: (stdout: string) => boolean;
}
const node = process.execPath;
const isCredential = (stdout: string) => /"token":"k8s-aws-v1\.[\w-]+"/.test(stdout.replace(/\s/g, ''));
const cases: Case[] = [
  { name: 'node -e 0 (baseline)', command: node, args: ['-e', '0'], check: () => true },
  {
    name: 'kubeship --version',
    command: node,
    args: [bin, '--version'],
    check: (out) => /^\d+\.\d+\.\d+/.test(out),
  },
  {
    name: 'kubeship token',
    command: node,
    args: [bin, 'token', '--cluster-name', 'c', '--region', 'us-east-1'],
    check: isCredential,
  },
  {
    name: 'aws eks get-token (awscli v1)',
    command: awsCli,
    args: ['eks', 'get-token', '--cluster-name', 'c', '--region', 'us-east-1'],
    check: isCredential,
  },
  {
    name: 'kubeship render (offline)',
    command: node,
    args: [bin, 'render'],
    check: (out) => out.includes('kind: Deployment'),
  },
];

const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const once = (c: Case): number => {
  const started = performance.now();
  const result = spawnSync(c.command, c.args, { cwd: work, env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0 || !c.check(result.stdout)) {
    throw new Error(`${c.name} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return ms;
};
try {
  for (const c of cases) once(c); // warm the file cache; not counted
  for (let i = 0; i < runs; i++) {
    for (const c of cases) samples.get(c.name)?.push(once(c));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
const rows = cases.map((c) => {
  const sorted = [...(samples.get(c.name) ?? [])].sort((a, b) => a - b);
  return {
    command: c.name,
    runs: sorted.length,
    minMs: Math.round(sorted[0] ?? Number.NaN),
    medianMs: Math.round(quantile(sorted, 0.5)),
    p90Ms: Math.round(quantile(sorted, 0.9)),
  };
});

if (values.json) {
  console.log(JSON.stringify({ node: process.version, runs, rows }, null, 2));
} else {
  const width = Math.max(...rows.map((r) => r.command.length));
  console.log(`cold start, ${runs} runs each, wall time per fresh process (Node ${process.version})\n`);
  console.log(`${'command'.padEnd(width)}  median      p90      min`);
  for (const r of rows) {
    console.log(
      `${r.command.padEnd(width)}  ${`${r.medianMs} ms`.padStart(6)}  ${`${r.p90Ms} ms`.padStart(7)}  ${`${r.minMs} ms`.padStart(7)}`,
    );
  }
}
