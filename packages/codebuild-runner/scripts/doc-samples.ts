// The sample outputs in README.md and docs/cli.md, from real runs of the CLI on a testbed: a first
// deploy, a crash-looping release caught and rolled back, status, history and uninstall --dry-run
// of a small templates app with SSM config. Run as a script it starts its own testbed and rewrites
// the samples in the docs (`./dev pnpm run docs:samples`); the test
// test/integration/doc-samples.test.ts runs the same scenario on the shared testbed and fails when
// the docs differ, so a changed message fails the suite until the docs are regenerated.
// Timings, pod hashes, namespaces, timestamps and checksums are normalised; progress lines and the
// event lines of the evidence are left out (how many there are depends on timing, not on kubeship).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aws, IMAGE_MARKERS, putParameter, sandboxVariables, type TestbedInfo } from '@kubeship/testbed';
import { stringify } from 'yaml';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'packages/codebuild-runner/src/bin.ts');
/** The files whose samples are generated. */
export const SAMPLE_FILES = ['README.md', 'docs/cli.md'] as const;

/** One sample: the command shown and what it printed, normalised. */
export interface Sample {
  readonly command: string;
  readonly output: string;
}

const HASH = '[bcdfghjklmnpqrstvwxz2456789]';
const NORMALISE: ReadonlyArray<readonly [RegExp, string]> = [
  [/\[ *\d+\.\ds\]/g, '[   T.Ts]'],
  [/\b\d+\.\ds\b/g, 'T.Ts'],
  [/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '2026-12-01T10:00:00Z'],
  [new RegExp(`\\bweb-${HASH}{8,10}-${HASH}{5}\\b`, 'g'), 'web-7d9f8b6c5d-x2k4q'],
  [new RegExp(`\\bweb-${HASH}{8,10}\\b`, 'g'), 'web-7d9f8b6c5d'],
  [/\bchecksum [0-9a-f]{12}\b/g, 'checksum 3f9a1c0d2b7e'],
  [/\bsample-[0-9a-f]{6}\b/g, 'shop'],
  [/\/samples-[0-9a-f]{8}\//g, '/shop/test/'],
];

const PROGRESS = /^\[ *T\.Ts\] +web: \d+\/\d+ updated/;
const STILL_WAITING = /still waiting for/;
const EVENT = /^\[ *T\.Ts\] +event /;

/** Pure: an output as the docs show it (see the file's head). */
export function normaliseSample(text: string): string {
  let normalised = text;
  for (const [pattern, replacement] of NORMALISE) normalised = normalised.replace(pattern, replacement);
  return normalised
    .split('\n')
    .filter((line) => !PROGRESS.test(line) && !STILL_WAITING.test(line) && !EVENT.test(line))
    .join('\n')
    .trimEnd();
}

const web = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'registry.local/web:1',
            ports: [{ name: 'http', containerPort: 8080 }],
            envFrom: [{ configMapRef: { name: 'settings' } }],
          },
        ],
      },
    },
  },
};
const objects = [
  web,
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
  },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { LOG_LEVEL: 'info' } },
];

function run(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=kubeship-source', BIN, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: stdout + stderr });
    });
  });
}

/**
 * Runs the scenario on the testbed `info` describes (its namespace and SSM path fresh, removed
 * after) and returns the samples by name. Throws when a command exits other than expected.
 */
export async function runSamples(info: TestbedInfo): Promise<Record<string, Sample>> {
  const suffix = randomBytes(3).toString('hex');
  const namespace = `sample-${suffix}`;
  const path = `/samples-${randomBytes(4).toString('hex')}`;
  const key = aws(
    ['kms', 'create-key', '--region', info.region],
    info.aws.credentials,
    info.aws.endpointUrl,
  ) as {
    KeyMetadata: { KeyId: string };
  };
  putParameter(info, { name: `${path}/GREETING`, value: 'hello' });
  putParameter(info, {
    name: `${path}/DB_PASSWORD`,
    value: `s3cr3t-${suffix}`,
    keyId: key.KeyMetadata.KeyId,
  });
  const cwd = mkdtempSync(join(tmpdir(), 'kubeship-samples-'));
  writeFileSync(join(cwd, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  writeFileSync(
    join(cwd, 'kubeship.config.yaml'),
    stringify({
      templates: { files: ['app.yaml'], name: 'web', imageRepository: 'registry.local/web' },
      environments: {
        test: {
          cluster: { name: info.clusterName, region: info.region },
          namespace,
          timeoutSeconds: 60,
          ssm: { paths: [path] },
        },
      },
    }),
  );
  const env = {
    PATH: process.env.PATH,
    HOME: cwd,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    KUBESHIP_PROGRESS_INTERVAL: '60',
    ...Object.fromEntries(sandboxVariables(info)),
  };
  const samples: Record<string, Sample> = {};
  const step = async (name: string | undefined, args: readonly string[], expected: number) => {
    const result = await run(args, cwd, env);
    if (result.code !== expected)
      throw new Error(
        `kubeship ${args.join(' ')}: exit ${result.code}, expected ${expected}\n${result.stdout}`,
      );
    if (name)
      samples[name] = { command: `kubeship ${args.join(' ')}`, output: normaliseSample(result.stdout) };
  };
  try {
    await step('deploy', ['deploy', '--tag', '1a2b3c4', '--create-namespace'], 0);
    await step('deploy-rolled-back', ['deploy', '--tag', `5d6e7f8-${IMAGE_MARKERS.crashLoop}`], 1);
    await step('status', ['status'], 0);
    await step('history', ['history'], 0);
    await step('uninstall-dry-run', ['uninstall', '--dry-run'], 0);
    await step(undefined, ['uninstall'], 0);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  return samples;
}

const START = /<!-- sample:([a-z-]+) -->\n```text\n[\s\S]*?\n```\n<!-- \/sample -->/g;

/** Pure: the text with every sample block replaced by the sample of its name. */
export function withSamples(text: string, samples: Readonly<Record<string, Sample>>): string {
  return text.replace(START, (block, name: string) => {
    const sample = samples[name];
    if (!sample) return block;
    return `<!-- sample:${name} -->\n\`\`\`text\n$ ${sample.command}\n${sample.output}\n\`\`\`\n<!-- /sample -->`;
  });
}

/** Pure: the names of the sample blocks a text holds. */
export function sampleNames(text: string): string[] {
  return [...text.matchAll(START)].map((match) => match[1] as string);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { startTestbed } = await import('@kubeship/testbed');
  const testbed = await startTestbed({ readyDelayMs: 500 });
  try {
    const samples = await runSamples(testbed);
    for (const file of SAMPLE_FILES) {
      const path = join(REPO, file);
      const before = readFileSync(path, 'utf8');
      const after = withSamples(before, samples);
      writeFileSync(path, after);
      console.log(
        `${file}: ${sampleNames(after).join(', ')}${before === after ? ' (unchanged)' : ' (updated)'}`,
      );
    }
  } finally {
    await testbed.stop();
  }
}
