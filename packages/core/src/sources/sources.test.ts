import { describe, expect, it } from 'vitest';
import { isKubeshipError } from '../errors.ts';
import { parseRendered } from './_rendered.ts';
import { redact, runTool } from './_tool-process.ts';
import { apiVersionsOf } from './capabilities.ts';
import { mapHooks } from './helm.ts';

const HELM_OUTPUT = `---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{ port: 80 }]
---
# Source: web/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data:
  start.sh: echo \${HOME}
---
# Source: web/templates/tests/test.yaml
apiVersion: v1
kind: Pod
metadata:
  name: web-test
  annotations:
    helm.sh/hook: test
spec:
  containers: [{ name: t, image: busybox }]
---
# Source: web/templates/migrate.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: web-migrate
  annotations:
    "helm.sh/hook": pre-install, pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: m, image: web }]
`;

describe('parseRendered', () => {
  it('groups the documents by the file Helm names, taking placeholders literally', () => {
    const files = parseRendered(HELM_OUTPUT, 'web');
    expect(files.map((f) => f.file)).toEqual([
      'web/templates/service.yaml',
      'web/templates/configmap.yaml',
      'web/templates/tests/test.yaml',
      'web/templates/migrate.yaml',
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text of the chart
    expect(files[1]?.objects[0]).toMatchObject({ data: { 'start.sh': 'echo ${HOME}' } });
  });

  it('names the file of an invalid document', () => {
    try {
      parseRendered('# Source: web/templates/bad.yaml\nkind: Service\nmetadata: {name: x}\n', 'web');
      expect.unreachable();
    } catch (error) {
      expect(isKubeshipError(error, 'INVALID_MANIFEST')).toBe(true);
      expect((error as Error).message).toContain('web/templates/bad.yaml');
    }
  });

  it('names documents without a source by the fallback', () => {
    expect(
      parseRendered('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n', 'overlays/prod')[0]?.file,
    ).toBe('overlays/prod');
  });
});

describe('mapHooks', () => {
  const withSeed = `${HELM_OUTPUT}---
# Source: web/templates/seed.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: seed
  annotations:
    helm.sh/hook: pre-install
`;
  const kinds = (files: ReturnType<typeof mapHooks>['files']) =>
    files.flatMap((f) => f.objects.map((o) => `${o.kind} ${o.metadata.name}`));
  const migrate = {
    file: 'web/templates/migrate.yaml',
    kind: 'Job',
    name: 'web-migrate',
    events: ['pre-install', 'pre-upgrade'],
  };
  const test = { file: 'web/templates/tests/test.yaml', kind: 'Pod', name: 'web-test', events: ['test'] };
  const seed = { file: 'web/templates/seed.yaml', kind: 'ConfigMap', name: 'seed', events: ['pre-install'] };

  it('runs a pre-install,pre-upgrade Job as a kubeship pre-deploy hook and leaves tests out', () => {
    const { files, hooks, refused } = mapHooks(parseRendered(HELM_OUTPUT, 'web'), 'map');
    expect(kinds(files)).toEqual(['Service web', 'ConfigMap web', 'Job web-migrate']);
    expect(files[2]?.objects[0]?.metadata.annotations).toMatchObject({ 'kubeship.dev/hook': 'pre-deploy' });
    expect(hooks).toEqual([test, { ...migrate, phase: 'pre-deploy' }]);
    expect(refused).toEqual([]);
  });

  it('refuses a hook with no kubeship equivalent, or leaves it out with skip', () => {
    expect(mapHooks(parseRendered(withSeed, 'web'), 'map').refused).toEqual([seed]);
    const skipped = mapHooks(parseRendered(withSeed, 'web'), 'skip');
    expect(kinds(skipped.files)).toEqual(['Service web', 'ConfigMap web', 'Job web-migrate']);
    expect(skipped.refused).toEqual([]);
  });

  it('leaves every hook out with ignore', () => {
    const ignored = mapHooks(parseRendered(withSeed, 'web'), 'ignore');
    expect(kinds(ignored.files)).toEqual(['Service web', 'ConfigMap web']);
    expect(ignored.hooks).toEqual([test, migrate, seed]);
  });
});

describe('apiVersionsOf', () => {
  it('lists group/versions and group/version/kinds of aggregated discovery', () => {
    expect(
      apiVersionsOf({
        kind: 'APIGroupDiscoveryList',
        items: [
          {
            metadata: { name: 'apps' },
            versions: [{ version: 'v1', resources: [{ responseKind: { kind: 'Deployment' } }] }],
          },
          { metadata: {}, versions: [{ version: 'v1', resources: [{ responseKind: { kind: 'Pod' } }, {}] }] },
        ],
      }),
    ).toEqual(['apps/v1', 'apps/v1/Deployment', 'v1', 'v1/Pod']);
  });

  it('lists group/versions of the older discovery documents', () => {
    expect(apiVersionsOf({ versions: ['v1'] })).toEqual(['v1']);
    expect(apiVersionsOf({ groups: [{ versions: [{ groupVersion: 'apps/v1' }] }] })).toEqual(['apps/v1']);
  });
});

describe('runTool', () => {
  const base = { install: 'the tool', binaryKey: 'templates.helm.binary', timeoutMs: 10_000 };

  it('returns what the tool printed, given its input', async () => {
    const out = await runTool({ ...base, command: 'sh', args: ['-c', 'cat; echo done >&2'], input: 'hello' });
    expect(out).toEqual({ stdout: 'hello', stderr: 'done\n' });
  });

  it('names what to install when the tool is missing', async () => {
    await expect(runTool({ ...base, command: 'kubeship-no-such-tool', args: [] })).rejects.toThrow(
      'kubeship-no-such-tool is not installed (not found on PATH): install the tool, or set templates.helm.binary to its path',
    );
  });

  it('quotes the failing tool, secrets redacted', async () => {
    const failure = runTool({
      ...base,
      command: 'sh',
      args: ['-c', 'echo "Error: template: web/templates/x.yaml:3: bad value s3cret" >&2; exit 1'],
      redact: ['s3cret'],
    });
    await expect(failure).rejects.toThrow(
      /sh -c failed \(exit 1\):\n {4}Error: template: web\/templates\/x.yaml:3: bad value \[redacted\]$/,
    );
  });

  it('kills a tool that does not finish in time', async () => {
    const started = Date.now();
    await expect(runTool({ ...base, timeoutMs: 200, command: 'sleep', args: ['30'] })).rejects.toThrow(
      'sleep 30 did not finish within 0.2 s (killed)',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('redact', () => {
  it('replaces each secret', () => {
    expect(redact('a=xy b=xy c=z', ['xy', ''])).toBe('a=[redacted] b=[redacted] c=z');
  });
});
