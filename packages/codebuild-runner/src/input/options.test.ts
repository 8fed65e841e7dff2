import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runMain, tempDir, writeFiles } from '../../test/harness.ts';
import { EXIT } from '../exit-codes.ts';
import { invalidUtf8Offset } from './files.ts';
import { LIMITS, parseWholeNumber } from './limits.ts';
import { parseCliOptions } from './options.ts';

afterAll(removeTempDirs);

const CONFIG = `app:
  name: web
  image: registry.local/web:1
  ports: [{ name: http, containerPort: 8080 }]
  probes: { readiness: false }
environments:
  test:
    cluster: { name: c, region: us-east-1 }
    namespace: web
`;
const project = (files: Record<string, string> = { 'kubeship.config.yaml': CONFIG }) =>
  writeFiles(tempDir(), files);
const problemsOf = (
  values: Record<string, string | boolean>,
  env: Record<string, string> = {},
  cwd = tempDir(),
) => {
  try {
    parseCliOptions(values, env, cwd);
    return [];
  } catch (error) {
    return (
      (error as { details: { issues: Array<{ key: string; message: string }> } }).details.issues ?? []
    ).map((i) => `${i.key}: ${i.message}`);
  }
};

describe('numbers: one table of ranges, whole numbers only', () => {
  it.each([
    ['abc'],
    ['1.5'],
    ['-1'],
    ['0'],
    ['1e3'],
    ['99999999999999999999'],
    [String(2 ** 31)],
    ['21601'],
    [' '],
  ])('--timeout %j is refused with its range', (raw) => {
    const [problem] = problemsOf({ timeout: raw });
    expect(problem).toMatch(/^--timeout: must (be a whole number of seconds from 1 to 21600|not be empty)/);
  });
  it('the limits keep every timer below what setTimeout holds', () => {
    for (const limit of [LIMITS.timeoutSeconds, LIMITS.lockWaitSeconds, LIMITS.unschedulableGraceSeconds])
      expect(limit.max * 1000).toBeLessThan(2 ** 31 - 1);
    expect(parseWholeNumber('600', LIMITS.timeoutSeconds)).toBe(600);
    expect(parseWholeNumber('0', LIMITS.lockWaitSeconds)).toBe(0);
  });
  it('KUBESHIP_PROGRESS_INTERVAL and KUBESHIP_AWS_TIMEOUT are checked the same way; empty means unset', () => {
    expect(problemsOf({}, { KUBESHIP_PROGRESS_INTERVAL: 'often', KUBESHIP_AWS_TIMEOUT: '0' })).toEqual([
      'KUBESHIP_PROGRESS_INTERVAL: must be a whole number of seconds from 1 to 3600, not "often"',
      'KUBESHIP_AWS_TIMEOUT: must be a whole number of seconds from 1 to 600, not "0"',
    ]);
    expect(parseCliOptions({}, { KUBESHIP_PROGRESS_INTERVAL: '' }, tempDir()).progressIntervalSeconds).toBe(
      20,
    );
  });
});

describe('every problem at once, each naming its flag or variable', () => {
  it('flags and environment together', () => {
    expect(
      problemsOf(
        { output: 'yaml', 'wait-for-lock': 'soon', image: 'Bad Image', region: 'moon-1', env: 'Prod' },
        { AWS_REGION: 'mars', KUBESHIP_ENV: 'UAT', AWS_ENDPOINT_URL: 'localhost:4566' },
      ),
    ).toEqual([
      '--output: must be human or json, not "yaml"',
      '--wait-for-lock: must be a whole number of seconds from 0 to 21600, not "soon"',
      '--image: not a valid image reference: an image reference must not contain whitespace, not "Bad Image"',
      '--env: must be an environment name (a lowercase word: letters, digits, \'-\'), not "Prod"',
      'KUBESHIP_ENV: must be an environment name (a lowercase word: letters, digits, \'-\'), not "UAT"',
      '--region: must be an AWS region such as us-east-1, not "moon-1"',
      'AWS_REGION: must be an AWS region such as us-east-1, not "mars"',
      'AWS_ENDPOINT_URL: must be an http(s) URL, not "localhost:4566"',
    ]);
  });
  it('--image with --tag, a bad tag, a bad role ARN, a CodeBuild commit that is no tag', () => {
    expect(problemsOf({ image: 'r.io/a:1', tag: 'b/c' })).toEqual([
      "--tag: must be an image tag (1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'), not \"b/c\"",
      '--image/--tag: give --image or --tag, not both',
    ]);
    expect(problemsOf({ 'role-arn': 'arn:aws:iam::1:role/x' })[0]).toMatch(
      /^--role-arn: must be an IAM role ARN/,
    );
    expect(problemsOf({}, { CODEBUILD_RESOLVED_SOURCE_VERSION: 'refs/heads/main' })[0]).toMatch(
      /^CODEBUILD_RESOLVED_SOURCE_VERSION: must be an image tag/,
    );
  });
});

describe('output files are checked (and their directories made) before anything runs', () => {
  it('makes missing directories, leaves no file behind, and returns absolute paths', () => {
    const cwd = tempDir();
    const options = parseCliOptions({ exports: 'out/deep/deploy.env', 'report-junit': 'junit.xml' }, {}, cwd);
    expect(options.files).toEqual({
      exports: join(cwd, 'out/deep/deploy.env'),
      reportJunit: join(cwd, 'junit.xml'),
    });
    expect(existsSync(join(cwd, 'out/deep'))).toBe(true);
    expect(existsSync(join(cwd, 'out/deep/deploy.env'))).toBe(false);
  });
  it('a directory, a path through a regular file, and two flags naming one file are refused', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'dir'));
    writeFileSync(join(cwd, 'file'), '');
    expect(problemsOf({ exports: 'dir', 'report-junit': 'file/x.xml' }, {}, cwd)).toEqual([
      `--exports: cannot write ${join(cwd, 'dir')}: it is a directory`,
      expect.stringMatching(new RegExp(`^--report-junit: cannot write ${join(cwd, 'file/x.xml')}: ENOTDIR`)),
    ]);
    expect(problemsOf({ exports: 'a.env', 'report-junit': './a.env' }, {}, cwd)).toEqual([
      `--report-junit: names the same file as --exports (${join(cwd, 'a.env')})`,
    ]);
  });
  it('no directory is made when another flag is wrong', () => {
    const cwd = tempDir();
    expect(problemsOf({ exports: 'made/x.env', timeout: 'x' }, {}, cwd)).toHaveLength(1);
    expect(existsSync(join(cwd, 'made'))).toBe(false);
  });
});

describe('flags a command would ignore are refused', () => {
  it.each([
    [['render', '--output', 'json']],
    [['rollback', '--no-rollback']],
    [['deploy', '--timeout', '5', '--timeout', '6']],
  ])('kubeship %j: exit 2', async (argv) => {
    const run = await runMain(argv, { cwd: project() });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toMatch(/Unknown option|given more than once/);
  });
});

describe('config and template files', () => {
  it('the first byte that is not UTF-8, by offset (a real U+FFFD is fine)', () => {
    expect(invalidUtf8Offset(Buffer.from('plain'))).toBeUndefined();
    expect(invalidUtf8Offset(Buffer.from('a\uFFFDb', 'utf8'))).toBeUndefined();
    expect(
      invalidUtf8Offset(Buffer.concat([Buffer.from('é\uFFFD'), Buffer.from([0xff]), Buffer.from('x')])),
    ).toBe(5);
    expect(invalidUtf8Offset(Buffer.from([0xc3]))).toBe(0);
  });
  it('a config with a byte that is not UTF-8: exit 2 naming file, offset and line', async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'kubeship.config.yaml'),
      Buffer.concat([Buffer.from(CONFIG), Buffer.from('# caf\xe9\n', 'latin1')]),
    );
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(
      `${join(cwd, 'kubeship.config.yaml')} is not UTF-8: byte 0xe9 at offset ${CONFIG.length + 5} (line 10)`,
    );
  });
  it('an app function that throws, or returns a Promise: exit 2 naming the file', async () => {
    const throws = project({
      'kubeship.config.mjs': `export default { app: () => { throw new Error('no DB_URL for this env') }, environments: { test: { kubeconfig: { context: 'x' }, namespace: 'web' } } };`,
    });
    const threw = await runMain(['render'], { cwd: throws });
    expect(threw.code).toBe(EXIT.badInput);
    expect(threw.stderr).toContain(
      `${join(throws, 'kubeship.config.mjs')}: app: the app function threw for environment test: no DB_URL for this env`,
    );
    const promises = project({
      'kubeship.config.mjs': `export default { app: async () => ({ name: 'web' }), environments: { test: { kubeconfig: { context: 'x' }, namespace: 'web' } } };`,
    });
    const promised = await runMain(['render'], { cwd: promises });
    expect(promised.code).toBe(EXIT.badInput);
    expect(promised.stderr).toContain('app: the app function returned a Promise');
  });
  it('an invalid app.image: INVALID_INPUT naming the field', async () => {
    const cwd = project({
      'kubeship.config.yaml': CONFIG.replace('registry.local/web:1', 'registry.local/Web:1'),
    });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(
      `${join(cwd, 'kubeship.config.yaml')}: app.image: not a valid image reference`,
    );
    expect(run.stderr).not.toContain('internal error');
  });
  const templates = (files: Record<string, string>, ssm = '') =>
    project({
      'kubeship.config.yaml': `templates: { files: [${Object.keys(files).join(', ')}], name: web }\nenvironments:\n  test:\n    cluster: { name: c, region: us-east-1 }\n    namespace: web\n${ssm}`,
      ...files,
    });
  const configMap = (name: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { A: "1" }\n`;
  it('the same object in two template files: exit 2 naming both', async () => {
    const cwd = templates({ 'a.yaml': configMap('settings'), 'b.yaml': configMap('settings') });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(
      `(${join(cwd, 'b.yaml')}, ConfigMap/settings): the same object is also in ${join(cwd, 'a.yaml')}`,
    );
  });
  it('a template ConfigMap named like the one kubeship builds from SSM: CONFIG_COLLISION', async () => {
    const cwd = templates({ 'a.yaml': configMap('web-config') }, '    ssm: { paths: [/web/test] }\n');
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(
      'ConfigMap web-config has the name of the ConfigMap kubeship builds from the SSM parameters',
    );
  });
  it('${VAR} in flow-style YAML: one hint about the placeholder', async () => {
    const cwd = templates({
      'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${NAME} }\ndata: { A: "1" }\n',
    });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('(line 3): the placeholder ${NAME} is inside flow-style YAML');
    expect(run.stderr.match(/^ {2}- /gm)).toHaveLength(1);
  });
  it('a template file over the size limit is refused before it is read', async () => {
    const cwd = templates({ 'a.yaml': configMap('x') });
    writeFileSync(join(cwd, 'a.yaml'), Buffer.alloc(8 * 1024 * 1024 + 1, 0x20));
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('has 8 MiB, more than the 8 MiB kubeship reads');
  });
});

describe('every flag a command reads is a checked, typed option', () => {
  it('gives commands typed values for the flags they used to read raw', () => {
    const options = parseCliOptions(
      {
        config: 'ops/kubeship.yaml',
        'cluster-name': 'prod',
        'role-arn': 'arn:aws:iam::123456789012:role/deploy',
        region: 'eu-west-1',
        alias: 'prod-admin',
        from: 'uat',
        to: 'prod',
        'expect-digest': 'sha256:abc',
        'no-rollback': true,
        'no-prune': true,
        force: true,
        'resolve-ssm': true,
        'reveal-secrets': true,
      },
      { AWS_REGION: 'us-east-1' },
      tempDir(),
    );
    expect(options).toMatchObject({
      configFile: 'ops/kubeship.yaml',
      clusterName: 'prod',
      roleArn: 'arn:aws:iam::123456789012:role/deploy',
      region: 'eu-west-1',
      regionFlag: 'eu-west-1',
      alias: 'prod-admin',
      from: 'uat',
      to: 'prod',
      expectDigest: 'sha256:abc',
      noRollback: true,
      noPrune: true,
      force: true,
      resolveSsm: true,
      revealSecrets: true,
    });
  });

  it('leaves them unset or false when not given; the region falls back to the environment, the flag does not', () => {
    const options = parseCliOptions({}, { AWS_REGION: 'us-east-1' }, tempDir());
    expect(options).toMatchObject({ region: 'us-east-1', noRollback: false, noPrune: false, force: false });
    for (const key of [
      'regionFlag',
      'configFile',
      'clusterName',
      'roleArn',
      'alias',
      'from',
      'to',
      'expectDigest',
    ])
      expect(options).not.toHaveProperty(key);
  });
});
