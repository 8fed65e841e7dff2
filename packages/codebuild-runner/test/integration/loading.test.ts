// What each light command of the built CLI loads. kubectl runs `kubeship token` before every
// command it sends through the exec credential plugin, and `--version` is the floor of every
// command: they must not pay for the Kubernetes client, the AWS service clients or the validation
// schemas they never use. The built bin runs in its own Node process with a preloaded hook
// (test/record-modules.ts) that lists every file it resolved; each loaded chunk's source map names
// the modules bundled into it. A deploy must load the Kubernetes client, but only the parts of it
// kubeship calls: every module it parses stays in its memory for the whole run.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { removeTempDirs, tempDir } from '../harness.ts';
import { buildCli, cliEnv } from './_cli.ts';

const RECORDER = fileURLToPath(new URL('../record-modules.ts', import.meta.url));
let bin: string;

beforeAll(async () => {
  bin = await buildCli();
}, 300_000);
afterAll(removeTempDirs);

const OFFLINE_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/**
 * Runs the built `kubeship <args>` (with `env`, default one that reaches nothing); returns its
 * output, the packages and workspace files it loaded, and the Kubernetes client's generated API
 * clients among them.
 */
async function loadedBy(args: readonly string[], cwd: string, env = OFFLINE_ENV) {
  const list = join(tempDir('kubeship-loads-'), 'modules.txt');
  const run = await promisify(execFile)(process.execPath, ['--import', RECORDER, bin, ...args], {
    cwd,
    timeout: 60_000,
    env: { ...env, KUBESHIP_LOADED_MODULES: list },
  });
  const dist = dirname(bin);
  const chunks = readFileSync(list, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => fileURLToPath(url));
  // every file the CLI loaded is one of its own chunks: nothing comes from a node_modules
  expect(chunks.filter((file) => !file.startsWith(dist))).toEqual([]);
  const modules = chunks.flatMap((file) =>
    existsSync(`${file}.map`)
      ? (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources
      : [],
  );
  // `node_modules/.pnpm/<name>@<version>/node_modules/<name>/...`, and the workspace's own sources
  const packages = new Set(
    modules.flatMap((source) => /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1] ?? []),
  );
  const sources = new Set(
    modules.flatMap(
      (source) => /(?:^|\/)((?:core|manifests|codebuild-runner)?\/?src\/.+)$/.exec(source)?.[1] ?? [],
    ),
  );
  const apiClients = new Set(
    modules.flatMap((source) => /\/client-node\/src\/gen\/apis\/(\w+Api)\.ts$/.exec(source)?.[1] ?? []),
  );
  return {
    stdout: run.stdout,
    packages: [...packages].sort(),
    sources: [...sources].sort(),
    // the AWS SDK and Smithy publish ES and CommonJS builds; only the ES ones tree-shake
    commonJsBuilds: modules.filter((source) => source.includes('/dist-cjs/')),
    apiClients: [...apiClients].sort(),
  };
}

const HEAVY = ['@kubernetes/client-node', '@aws-sdk/client-eks', '@aws-sdk/client-ssm', 'zod'];

/** The presigned STS URL inside the token of an ExecCredential. */
function presignedUrl(stdout: string): URL {
  const { token } = (JSON.parse(stdout) as { status: { token: string } }).status;
  return new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
}

describe('what the light commands of the built CLI load', () => {
  it('--version loads the bin and the version alone: not the CLI entry, no dependency, nothing of core or manifests', async () => {
    const run = await loadedBy(['--version'], tempDir());
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(run.packages).toEqual([]);
    expect(run.sources).toEqual(['src/bin.ts', 'src/version.ts']);
  });

  it('token --cluster-name with keys in the environment loads the signer (ES build) alone: not the credentials chain, the Kubernetes client or the schemas', async () => {
    const run = await loadedBy(['token', '--cluster-name', 'shop', '--region', 'eu-west-1'], tempDir());
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'ExecCredential' });
    expect(presignedUrl(run.stdout).searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\//);
    expect(run.packages).toContain('@smithy/signature-v4');
    expect(run.packages).not.toContain('@aws-sdk/credential-provider-node');
    expect(run.commonJsBuilds).toEqual([]);
    for (const heavy of HEAVY) expect(run.packages).not.toContain(heavy);
    expect(run.sources).not.toContain('core/src/index.ts');
  });

  it.each([
    ['asks it alone: not the credentials chain', undefined],
    [
      'with a shared config file, loads the credentials chain (ES builds only), which finds them too',
      '[default]\n',
    ],
  ])(
    'token --cluster-name in a CodeBuild container (its credentials endpoint, no keys) %s',
    async (_, config) => {
      const key = 'ASIACONTAINEREXAMPLE';
      const server = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            AccessKeyId: key,
            SecretAccessKey: 'container-secret',
            Token: 'container-session-token',
            Expiration: new Date(Date.now() + 3_600_000).toISOString(),
          }),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...noKeys } = OFFLINE_ENV;
        const cwd = tempDir();
        if (config) writeFileSync(join(cwd, 'aws-config'), config);
        const run = await loadedBy(['token', '--cluster-name', 'shop', '--region', 'eu-west-1'], cwd, {
          ...noKeys,
          ...(config ? { AWS_CONFIG_FILE: join(cwd, 'aws-config') } : {}),
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/v2/credentials/build`,
        });
        const url = presignedUrl(run.stdout);
        expect(url.searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`^${key}/`));
        expect(url.searchParams.get('X-Amz-Security-Token')).toBe('container-session-token');
        if (config) expect(run.packages).toContain('@aws-sdk/credential-provider-node');
        else expect(run.packages).not.toContain('@aws-sdk/credential-provider-node');
        expect(run.commonJsBuilds).toEqual([]);
        for (const heavy of HEAVY) expect(run.packages).not.toContain(heavy);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  );

  it('render of templates loads the schemas but not the Kubernetes client, EKS or CloudWatch', async () => {
    const project = tempDir();
    writeFileSync(
      join(project, 'kubeship.config.json'),
      JSON.stringify({
        templates: { files: ['app.yaml'], name: 'web' },
        environments: { test: { cluster: { name: 'shop', region: 'eu-west-1' }, namespace: 'shop' } },
      }),
    );
    writeFileSync(
      join(project, 'app.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\ndata: { LEVEL: info }\n',
    );
    const run = await loadedBy(['render'], project);
    expect(run.stdout).toContain('kind: ConfigMap');
    expect(run.packages).toContain('zod');
    for (const heavy of ['@kubernetes/client-node', '@aws-sdk/client-eks', '@aws-sdk/client-cloudwatch'])
      expect(run.packages).not.toContain(heavy);
    expect(run.sources).not.toContain('core/src/index.ts');
  });
});

describe('what a deploy of the built CLI loads', () => {
  it('loads the Kubernetes client (its KubeConfig, object API, watches) but none of its generated API clients', async () => {
    const clients = await adminClients();
    const namespace = await testNamespace(clients.kc, 'loads');
    try {
      const project = tempDir();
      writeFileSync(
        join(project, 'kubeship.config.json'),
        JSON.stringify({
          templates: { files: ['app.yaml'], name: 'web' },
          environments: {
            test: {
              cluster: { name: clients.info.clusterName, region: clients.info.region },
              namespace: namespace.name,
              timeoutSeconds: 60,
            },
          },
        }),
      );
      writeFileSync(
        join(project, 'app.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\ndata: { LEVEL: info }\n',
      );
      const run = await loadedBy(['deploy'], project, cliEnv(clients.info));
      expect(run.packages).toContain('@kubernetes/client-node');
      // kubeship's calls are plain JSON requests (core/src/apply/_kube-api.ts): the generated
      // clients (~900 KB of the bundle with their wrappers) would be parsed by every deploy
      expect(run.apiClients).toEqual([]);
    } finally {
      await namespace.remove();
    }
  }, 120_000);
});
