import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isKubeshipError } from '@kubeship/core';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runMain, tempDir, writeFiles } from '../../test/harness.ts';
import { EXIT } from '../exit-codes.ts';
import { CONFIG_FILE_NAMES, loadConfig } from './load.ts';

afterAll(removeTempDirs);

const APP_YAML = `app:
  name: web
  image: registry.local/web:1
  ports: [{ name: http, containerPort: 8080 }]
  probes: { readiness: false }
`;
const env = (name: string, namespace: string) =>
  `  ${name}:\n    cluster: { name: c-${name}, region: us-east-1 }\n    namespace: ${namespace}\n`;

describe('config discovery', () => {
  it('looks for the config file names in order: TS before JS before YAML before JSON', () => {
    expect(CONFIG_FILE_NAMES).toEqual([
      'kubeship.config.ts',
      'kubeship.config.mts',
      'kubeship.config.mjs',
      'kubeship.config.js',
      'kubeship.config.yaml',
      'kubeship.config.yml',
      'kubeship.config.json',
    ]);
  });

  it('finds kubeship.config.yaml in the working directory', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.yaml': `${APP_YAML}environments:\n${env('test', 'web-test')}`,
    });
    const { file, config } = await loadConfig({ cwd });
    expect(file).toBe(join(cwd, 'kubeship.config.yaml'));
    expect(Object.keys(config.environments)).toEqual(['test']);
  });

  it('prefers the first name when several exist', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.json': JSON.stringify({ environments: {} }),
      'kubeship.config.yml': `${APP_YAML}environments:\n${env('test', 'from-yml')}`,
    });
    const { file } = await loadConfig({ cwd });
    expect(file).toBe(join(cwd, 'kubeship.config.yml'));
  });

  it('loads JSON, and --config relative to the working directory', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'deploy'));
    writeFiles(join(cwd, 'deploy'), {
      'stages.json': JSON.stringify({
        templates: { files: ['app.yaml'], name: 'web' },
        environments: { prod: { kubeconfig: { context: 'prod' }, namespace: 'web' } },
      }),
    });
    const { file, config } = await loadConfig({ cwd, file: 'deploy/stages.json' });
    expect(file).toBe(join(cwd, 'deploy', 'stages.json'));
    expect(config.templates?.name).toBe('web');
  });

  it('loads a TypeScript config (default export) and calls its app function per environment', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.ts': `
        interface Context { name: string; namespace: string; variables: Record<string, string> }
        export default {
          app: ({ name, namespace, variables }: Context) => ({
            name: 'web',
            image: 'registry.local/web:' + name,
            ports: [{ name: 'http', containerPort: 8080 }],
            probes: { readiness: false },
            env: { WHERE: namespace, GREETING: variables.GREETING ?? 'none' },
          }),
          environments: {
            test: { cluster: { name: 'c', region: 'us-east-1' }, namespace: 'web-test', variables: { GREETING: 'hi' } },
          },
        };
      `,
    });
    const run = await runMain(['render'], { cwd });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('image: registry.local/web:test');
    expect(run.stdout).toMatch(/- name: WHERE\n\s+value: web-test/);
    expect(run.stdout).toMatch(/- name: GREETING\n\s+value: hi/);
  });

  it('loads an .mjs config', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.mjs': `export default { app: { name: 'web', image: 'registry.local/web:mjs', ports: [{ name: 'http', containerPort: 8080 }], probes: { readiness: false } }, environments: { test: { kubeconfig: { context: 'x' }, namespace: 'web' } } };`,
    });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('image: registry.local/web:mjs');
  });
});

describe('config errors exit 2 and say which file, which key and what is wrong', () => {
  it('no config file: names the directory and the names looked for', async () => {
    const cwd = tempDir();
    const run = await runMain(['deploy'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`no config file in ${cwd}`);
    expect(run.stderr).toContain('kubeship.config.ts');
    expect(run.stderr).toContain('kubeship.config.json');
    expect(run.stderr).toContain('--config <file>');
  });

  it('--config naming a missing file', async () => {
    const cwd = tempDir();
    const run = await runMain(['render', '--config', 'nope.yaml'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(`config file ${join(cwd, 'nope.yaml')} does not exist`);
  });

  it('bad YAML: the file and the parser position', async () => {
    const cwd = writeFiles(tempDir(), { 'kubeship.config.yaml': 'environments:\n  test: [\n' });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(`${join(cwd, 'kubeship.config.yaml')}: cannot load the config:`);
    expect(run.stderr).toMatch(/line \d+, column \d+/);
  });

  it('bad JSON', async () => {
    const cwd = writeFiles(tempDir(), { 'kubeship.config.json': '{"environments": ' });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(`${join(cwd, 'kubeship.config.json')}: cannot load the config:`);
  });

  it('a TS config without a default export', async () => {
    const cwd = writeFiles(tempDir(), { 'kubeship.config.ts': 'export const config = {};\n' });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('it has no default export');
  });

  it('an empty YAML file', async () => {
    const cwd = writeFiles(tempDir(), { 'kubeship.config.yaml': '' });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toMatch(/\(root\): /);
  });

  it('schema errors: every problem at once, each with its key path', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.yaml': `templates:
  files: []
  name: Web_App
environments:
  test:
    cluster: { name: c, region: moon-1 }
    namespace: Bad_NS
    replica: 3
    timeoutSeconds: 0
  Prod:
    namespace: prod
`,
    });
    const file = join(cwd, 'kubeship.config.yaml');
    const run = await runMain(['deploy'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(`${file}: 7 problems:`);
    for (const line of [
      '  - templates.files: ',
      '  - templates.name: must be a DNS-1123 label',
      '  - environments.test.cluster.region: must be an AWS region such as us-east-1',
      '  - environments.test.namespace: must be a DNS-1123 label',
      '  - environments.test.timeoutSeconds: ',
      '  - environments.test: Unrecognized key: "replica"',
      '  - environments.Prod: ',
    ]) {
      expect(run.stderr).toContain(line);
    }
  });

  it('schema errors in JSON output: one document with file and issues as data', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.json': JSON.stringify({
        app: { name: 'web' },
        environments: { test: { namespace: 'web' } },
      }),
    });
    const run = await runMain(['deploy', '--output', 'json'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      command: 'deploy',
      outcome: 'error',
      code: 'INVALID_INPUT',
      exitCode: 2,
      details: {
        file: join(cwd, 'kubeship.config.json'),
        issues: [{ key: 'environments.test', message: expect.stringContaining('exactly one of cluster') }],
      },
    });
  });

  it('both app and templates (or neither) is refused', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.yaml': `${APP_YAML}templates: { files: [a.yaml], name: web }\nenvironments:\n${env('test', 'web')}`,
    });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('(root): needs exactly one of app (a typed spec) or templates (YAML files)');
  });

  it('a missing template file names the config file, the key and the template path', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.yaml': `templates: { files: [k8s/missing.yaml], name: web }\nenvironments:\n${env('test', 'web')}`,
    });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(`${join(cwd, 'kubeship.config.yaml')}: templates.files: cannot read`);
    expect(run.stderr).toContain(join(cwd, 'k8s/missing.yaml'));
  });

  it('an invalid app spec lists the spec key paths', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.yaml': `app:\n  name: web\n  image: registry.local/web:1\n  replicas: -1\nenvironments:\n${env('test', 'web')}`,
    });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('invalid application spec');
    expect(run.stderr).toMatch(/- probes/);
  });

  it('an invalid app spec names the config file', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.yaml': `app:\n  name: web\n  image: registry.local/web:1\nenvironments:\n${env('test', 'web')}`,
    });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(join(cwd, 'kubeship.config.yaml'));
  });

  it('errors are KubeshipErrors with the file in their details', async () => {
    const cwd = writeFiles(tempDir(), { 'kubeship.config.yaml': 'environments: 3\n' });
    const error = await loadConfig({ cwd }).catch((e: unknown) => e);
    expect(isKubeshipError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({
      file: join(cwd, 'kubeship.config.yaml'),
      issues: [{ key: 'environments' }],
    });
  });
});

describe('choosing the environment', () => {
  const twoEnvironments = () =>
    writeFiles(tempDir(), {
      'kubeship.config.yaml': `${APP_YAML}environments:\n${env('test', 'web-test')}${env('prod', 'web-prod')}`,
    });

  it('two environments without --env or KUBESHIP_ENV: exit 2 naming both and how to choose', async () => {
    const cwd = twoEnvironments();
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(
      `${join(cwd, 'kubeship.config.yaml')} has environments test, prod: choose one with --env or KUBESHIP_ENV`,
    );
  });

  it('--env picks one', async () => {
    const run = await runMain(['render', '--env', 'prod'], { cwd: twoEnvironments() });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('namespace: web-prod');
    expect(run.stdout).not.toContain('namespace: web-test');
  });

  it('KUBESHIP_ENV picks one, so one buildspec serves every stage', async () => {
    const run = await runMain(['render'], { cwd: twoEnvironments(), env: { KUBESHIP_ENV: 'test' } });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('namespace: web-test');
  });

  it('--env wins over KUBESHIP_ENV', async () => {
    const run = await runMain(['render', '--env', 'prod'], {
      cwd: twoEnvironments(),
      env: { KUBESHIP_ENV: 'test' },
    });
    expect(run.stdout).toContain('namespace: web-prod');
  });

  it('an unknown environment: exit 2 naming the ones there are', async () => {
    const cwd = twoEnvironments();
    const run = await runMain(['render', '--env', 'staging'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('has no environment "staging" (it has test, prod)');
    const fromEnv = await runMain(['render'], { cwd, env: { KUBESHIP_ENV: 'uat' } });
    expect(fromEnv.code).toBe(EXIT.badInput);
    expect(fromEnv.stderr).toContain('has no environment "uat"');
  });

  it('the only environment needs no --env', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.yaml': `${APP_YAML}environments:\n${env('test', 'web-test')}`,
    });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.ok);
  });
});
