import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { removeTempDirs, runMain, tempDir, writeFiles } from '../../test/harness.ts';
import { EXIT } from '../exit-codes.ts';

afterAll(removeTempDirs);

const SECRET_VALUE = 'hunter2-render-must-never-print-this';

/** A typed app with SSM references, as a YAML config; `extra` is appended to the environment. */
function appConfig(extra = ''): string {
  return writeFiles(tempDir(), {
    'kubeship.config.yaml': `app:
  name: web
  image: registry.local/team/web:1
  ports: [{ name: http, containerPort: 8080 }]
  probes: { readiness: false }
  env:
    PLAIN: hello
    DB_PASSWORD: { ssm: /web/test/DB_PASSWORD }
    DB_HOST: { ssm: /web/test/DB_HOST }
environments:
  test:
    cluster: { name: kubeship-testbed, region: us-east-1 }
    namespace: web-test
${extra}`,
  });
}

/** The team's own templates: a Deployment with ${VAR}s and a Secret with literal data. */
function templateConfig(options: { imageRepository?: string | false } = {}): string {
  const repository = options.imageRepository ?? '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop';
  return writeFiles(tempDir(), {
    'kubeship.config.yaml': `templates:
  files: [deployment.yaml, secret.yaml]
  name: shop
${repository === false ? '' : `  imageRepository: ${repository}\n`}  variables: { REPLICAS: "2", LOG_LEVEL: info }
environments:
  test:
    kubeconfig: { context: testbed }
    namespace: shop-test
    variables: { LOG_LEVEL: debug }
`,
    'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: \${REPLICAS}
  selector: { matchLabels: { app: shop } }
  template:
    metadata: { labels: { app: shop } }
    spec:
      containers:
        - name: shop
          image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:latest
          env: [{ name: LOG_LEVEL, value: "\${LOG_LEVEL}" }]
        - name: proxy
          image: envoyproxy/envoy:v1.30.0
`,
    'secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: shop-api-key
type: Opaque
data:
  key: ${Buffer.from(SECRET_VALUE).toString('base64')}
stringData:
  other: ${SECRET_VALUE}
`,
  });
}

type Doc = { kind: string; metadata: { name: string; namespace?: string }; [key: string]: unknown };
const documents = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Doc);
const deploymentOf = (yaml: string) => {
  const deployment = documents(yaml).find((d) => d.kind === 'Deployment') as Doc & {
    spec: {
      replicas: number;
      template: {
        metadata: { annotations?: Record<string, string> };
        spec: { containers: Array<{ name: string; image: string; env?: Array<Record<string, unknown>> }> };
      };
    };
  };
  return deployment;
};

describe('kubeship render', () => {
  it('prints the objects offline: SSM references become keys of the app Secret, no values read', async () => {
    // No AWS credentials and no region in the environment: render must not need them.
    const run = await runMain(['render'], { cwd: appConfig(), env: {} });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    const objects = documents(run.stdout);
    expect(objects.map((o) => o.kind)).toEqual(['Service', 'Deployment', 'PodDisruptionBudget']);
    expect(objects.every((o) => o.metadata.namespace === 'web-test')).toBe(true);
    const env = deploymentOf(run.stdout).spec.template.spec.containers[0]?.env;
    expect(env).toEqual([
      { name: 'PLAIN', value: 'hello' },
      {
        name: 'DB_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'ssm.web.test.DB_PASSWORD' } },
      },
      { name: 'DB_HOST', valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'ssm.web.test.DB_HOST' } } },
    ]);
  });

  it('is deterministic: apiVersion, kind, metadata first; the same bytes twice', async () => {
    const cwd = appConfig();
    const [a, b] = [await runMain(['render'], { cwd }), await runMain(['render'], { cwd })];
    expect(a.stdout).toBe(b.stdout);
    for (const document of a.stdout.split(/^---\n/m)) {
      expect(document.split('\n').slice(0, 3)).toEqual([
        expect.stringMatching(/^apiVersion: /),
        expect.stringMatching(/^kind: /),
        'metadata:',
      ]);
    }
  });

  it('redacts Secret data and stringData of templates', async () => {
    const run = await runMain(['render'], { cwd: templateConfig() });
    expect(run.code).toBe(EXIT.ok);
    const secret = documents(run.stdout).find((o) => o.kind === 'Secret');
    expect(secret).toMatchObject({ data: { key: '<redacted>' }, stringData: { other: '<redacted>' } });
    expect(run.stdout).not.toContain(SECRET_VALUE);
    expect(run.stdout).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
  });

  it('fills $VAR placeholders (environment variables over template variables) and the namespace', async () => {
    const run = await runMain(['render'], { cwd: templateConfig() });
    const deployment = deploymentOf(run.stdout);
    expect(deployment.metadata.namespace).toBe('shop-test');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0]?.env).toEqual([{ name: 'LOG_LEVEL', value: 'debug' }]);
  });

  it('--reveal-secrets needs --resolve-ssm (exit 2, nothing printed)', async () => {
    const run = await runMain(['render', '--reveal-secrets'], { cwd: templateConfig() });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--reveal-secrets: needs --resolve-ssm');
  });

  it('--out writes the file instead of stdout', async () => {
    const cwd = templateConfig();
    const run = await runMain(['render', '--out', 'rendered.yaml'], { cwd });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toBe('');
    const written = readFileSync(join(cwd, 'rendered.yaml'), 'utf8');
    expect(documents(written).map((o) => o.kind)).toEqual(['Deployment', 'Secret']);
    expect(written).not.toContain(SECRET_VALUE);
  });

  it('a template error names the template file', async () => {
    const cwd = templateConfig();
    writeFiles(cwd, { 'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {}\n' });
    const run = await runMain(['render'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(join(cwd, 'secret.yaml'));
  });
});

describe('choosing the image (render shows the choice without a cluster)', () => {
  const imagesOf = (stdout: string) => deploymentOf(stdout).spec.template.spec.containers.map((c) => c.image);

  it('no flag and no CodeBuild: the image of the config', async () => {
    const run = await runMain(['render'], { cwd: appConfig() });
    expect(imagesOf(run.stdout)).toEqual(['registry.local/team/web:1']);
  });

  it("--tag: the app's repository with that tag", async () => {
    const run = await runMain(['render', '--tag', 'abc123'], { cwd: appConfig() });
    expect(imagesOf(run.stdout)).toEqual(['registry.local/team/web:abc123']);
  });

  it('--image: exactly that image, by digest too', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const run = await runMain(['render', '--image', `registry.local/team/web@${digest}`], {
      cwd: appConfig(),
    });
    expect(imagesOf(run.stdout)).toEqual([`registry.local/team/web@${digest}`]);
  });

  it('CODEBUILD_RESOLVED_SOURCE_VERSION is the default tag', async () => {
    const run = await runMain(['render'], {
      cwd: appConfig(),
      env: { CODEBUILD_RESOLVED_SOURCE_VERSION: '1a2b3c4d', CODEBUILD_BUILD_ID: 'deploy:42' },
    });
    expect(run.code).toBe(EXIT.ok);
    expect(imagesOf(run.stdout)).toEqual(['registry.local/team/web:1a2b3c4d']);
  });

  it('--tag wins over CODEBUILD_RESOLVED_SOURCE_VERSION', async () => {
    const run = await runMain(['render', '--tag', 'v2'], {
      cwd: appConfig(),
      env: { CODEBUILD_RESOLVED_SOURCE_VERSION: '1a2b3c4d' },
    });
    expect(imagesOf(run.stdout)).toEqual(['registry.local/team/web:v2']);
  });

  it('inside CodeBuild without a resolved source version: exit 2 asking for --tag or --image', async () => {
    const run = await runMain(['render'], {
      cwd: appConfig(),
      env: { CODEBUILD_BUILD_ID: 'deploy:42', CODEBUILD_RESOLVED_SOURCE_VERSION: '' },
    });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no image tag: CODEBUILD_RESOLVED_SOURCE_VERSION is not set');
    expect(run.stderr).toContain('pass --tag <tag> or --image <uri>');
  });

  it('the same check guards deploy before anything is contacted', async () => {
    const run = await runMain(['deploy'], { cwd: appConfig(), env: { CODEBUILD_BUILD_ID: 'deploy:42' } });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('no image tag');
  });

  it('set-image always needs an image; outside CodeBuild it asks for one instead of blaming CodePipeline', async () => {
    const run = await runMain(['set-image'], { cwd: appConfig() });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('no image to set: pass --image <uri>, or --tag <tag>');
    expect(run.stderr).not.toMatch(/CODEBUILD_RESOLVED_SOURCE_VERSION|CodePipeline/);
  });

  it('--image and --tag together: exit 2', async () => {
    const run = await runMain(['render', '--image', 'r/x:1', '--tag', '2'], { cwd: appConfig() });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('give --image or --tag, not both');
  });

  it('templates: --tag replaces only the containers of imageRepository', async () => {
    const run = await runMain(['render', '--tag', 'c0ffee'], { cwd: templateConfig() });
    expect(run.code).toBe(EXIT.ok);
    expect(imagesOf(run.stdout)).toEqual([
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:c0ffee',
      'envoyproxy/envoy:v1.30.0',
    ]);
  });

  it('templates without imageRepository: --tag is refused naming the setting', async () => {
    const cwd = templateConfig({ imageRepository: false });
    const run = await runMain(['render', '--tag', 'c0ffee'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain(
      `--tag needs an image repository: set templates.imageRepository in ${join(cwd, 'kubeship.config.yaml')}`,
    );
  });

  it('an imageRepository no template container runs is refused: the deploy would change nothing', async () => {
    const cwd = templateConfig({ imageRepository: 'registry.local/absent' });
    const run = await runMain(['render', '--tag', 'c0ffee'], { cwd });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stderr).toContain('would change nothing');
  });
});
