// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} placeholders on purpose
// biome-ignore-all lint/suspicious/noExplicitAny: assertions read deep into rendered objects
// Properties over generated input: YAML round-trips, rendering holds its invariants, and no input makes a
// validator throw anything but a ManifestError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AppSpec,
  type KubeObject,
  loadYaml,
  ManifestError,
  parseImageReference,
  render,
  replaceImage,
  ssm,
  ssmReferences,
  toYaml,
  validateApp,
} from './index.ts';

// What toYaml keeps: JSON data without nulls (and without -0, which JSON has not either).
function jsonWithoutNulls(value: unknown): unknown {
  const json = JSON.parse(JSON.stringify(value));
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.filter((x) => x !== null).map(strip)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== null)
              .map(([k, x]) => [k, strip(x)]),
          )
        : v;
  return strip(json);
}

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    'on',
    'yes',
    'n',
    '0755',
    '0o17',
    '1e3',
    '1:20',
    '2001-12-14',
    'null',
    '~',
    '',
    ' x',
    '#x',
    '- x',
    '${X}',
  ),
);
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const customObject = fc.record({
  apiVersion: fc.constant('example.com/v1'),
  kind: fc.constantFrom('Widget', 'Gadget'),
  metadata: fc.record(
    {
      name: dnsLabel,
      namespace: dnsLabel,
      annotations: fc.dictionary(fc.constantFrom('a', 'example.com/b', 'on'), text),
    },
    { requiredKeys: ['name'] },
  ),
  spec: jsonValue,
});
const configMap = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('ConfigMap'),
  metadata: fc.record({ name: dnsLabel }),
  data: fc.dictionary(fc.stringMatching(/^[-._a-zA-Z0-9]{1,12}$/), text),
});
const objects = fc.uniqueArray(fc.oneof(customObject, configMap), {
  maxLength: 5,
  selector: (o) => `${o.kind}/${o.metadata.name}/${'namespace' in o.metadata ? o.metadata.namespace : ''}`,
}) as fc.Arbitrary<KubeObject[]>;

/** Valid specs over the options that change the shape of the output. */
const appSpec: fc.Arbitrary<AppSpec> = fc
  .record({
    name: dnsLabel,
    tag: fc.stringMatching(/^[a-zA-Z0-9][\w.-]{0,20}$/),
    replicas: fc.integer({ min: 0, max: 10 }),
    strategy: fc.constantFrom<NonNullable<AppSpec['strategy']>>(
      'one-at-a-time',
      'half-at-a-time',
      'all-at-once',
      'recreate',
      { maxSurge: '30%', maxUnavailable: 1 },
    ),
    port: fc.integer({ min: 1, max: 65535 }),
    probe: fc.constantFrom('http', 'tcp', 'exec', 'none'),
    env: fc.dictionary(
      fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/),
      fc.oneof(text, fc.integer(), fc.boolean()),
    ),
    ssmNames: fc.uniqueArray(fc.stringMatching(/^\/app\/[a-z]{1,6}$/), { maxLength: 3 }),
    service: fc.constantFrom('default', 'NodePort', 'none'),
    ingress: fc.boolean(),
    hpa: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    pdb: fc.constantFrom('default', 'none', 'min'),
    labels: fc.dictionary(
      fc.constantFrom('team', 'tier', 'example.com/owner'),
      fc.stringMatching(/^[a-z0-9]{1,8}$/),
    ),
  })
  .map((g) => {
    const ssmEnv = Object.fromEntries(g.ssmNames.map((name, i) => [`SSM_${i}`, ssm(name)]));
    const probe =
      g.probe === 'http'
        ? { http: { path: '/' } }
        : g.probe === 'tcp'
          ? { tcp: {} }
          : g.probe === 'exec'
            ? { exec: { command: ['true'] } }
            : false;
    const service =
      g.service === 'none' ? false : g.service === 'NodePort' ? { type: 'NodePort' as const } : undefined;
    return {
      name: g.name,
      image: `r.io/${g.name}:${g.tag}`,
      replicas: g.replicas,
      strategy: g.strategy,
      ports: [{ containerPort: g.port }],
      probes: { readiness: probe },
      env: { ...g.env, ...ssmEnv },
      labels: g.labels,
      ...(service === undefined ? {} : { service }),
      ...(g.ingress && service !== false
        ? { ingress: { alb: { targetType: service ? ('instance' as const) : ('ip' as const) } } }
        : {}),
      ...(g.hpa === undefined ? {} : { hpa: { minReplicas: 1, maxReplicas: g.hpa } }),
      ...(g.pdb === 'none' ? { pdb: false as const } : g.pdb === 'min' ? { pdb: { minAvailable: 1 } } : {}),
    } satisfies AppSpec;
  });

const binding = (name: string) => ({
  kind: 'Secret' as const,
  name: 'ssm',
  key: name.replaceAll('/', '.').slice(1),
});

/** Runs `run`; any error must be a ManifestError. */
function onlyManifestErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
  }
}

// Hundreds of generated cases each: on a loaded 2-core machine one property can need more than
// vitest's default 5 s. The bound is generous; the assertion is the property, never the time.
describe('properties', { timeout: 60_000 }, () => {
  it('loadYaml(toYaml(objects)) gives the objects back', () => {
    fc.assert(
      fc.property(objects, (list) => {
        expect(loadYaml(toYaml(list, { revealSecrets: true }))).toEqual(jsonWithoutNulls(list));
      }),
      { numRuns: 300 },
    );
  });

  it('renders every valid spec into objects that survive YAML and keep a stable selector', () => {
    fc.assert(
      fc.property(appSpec, fc.stringMatching(/^[a-z0-9]{1,10}$/), (spec, tag) => {
        const objects = render(spec, { ssmBinding: binding });
        expect(loadYaml(toYaml(objects, { revealSecrets: true }))).toEqual(jsonWithoutNulls(objects));
        const deployment = objects.find((o) => o.kind === 'Deployment') as Record<string, any>;
        const next = render(spec, { ssmBinding: binding, image: `r.io/${spec.name}:${tag}` });
        const nextDeployment = next.find((o) => o.kind === 'Deployment') as Record<string, any>;
        expect(nextDeployment.spec.selector).toEqual(deployment.spec.selector);
        expect(Object.keys(deployment.spec.selector.matchLabels).sort()).toEqual([
          'app.kubernetes.io/instance',
          'app.kubernetes.io/name',
        ]);
        expect(ssmReferences(spec)).toEqual(
          [
            ...new Set(
              Object.values(spec.env ?? {}).flatMap((v) =>
                typeof v === 'object' && 'ssm' in v ? [v.ssm] : [],
              ),
            ),
          ].sort(),
        );
        const replaced = replaceImage(objects, `r.io/${spec.name}`, `r.io/${spec.name}:${tag}`);
        expect(replaced.replaced).toBe(1);
      }),
      { numRuns: 200 },
    );
  });

  it('validators throw nothing but ManifestError, whatever the input', () => {
    const appKeys = [
      'name',
      'image',
      'ports',
      'probes',
      'env',
      'service',
      'ingress',
      'hpa',
      'pdb',
      'strategy',
      'secrets',
      'extra',
      'patches',
      'volumes',
      'sidecars',
    ];
    const nearlyValid = fc
      .tuple(
        appSpec,
        fc.dictionary(fc.constantFrom(...appKeys), fc.anything({ maxDepth: 3 }), { maxKeys: 3 }),
      )
      .map(([spec, overrides]) => ({ ...spec, ...overrides }));
    fc.assert(
      fc.property(fc.oneof(fc.anything(), nearlyValid), fc.string(), (input, textInput) => {
        onlyManifestErrors(() => validateApp(input));
        onlyManifestErrors(() => render(input as AppSpec, { ssmBinding: binding }));
        onlyManifestErrors(() => ssmReferences(input as AppSpec));
        onlyManifestErrors(() => loadYaml(textInput, { variables: { X: textInput } }));
        onlyManifestErrors(() => loadYaml(JSON.stringify(input) ?? ''));
        onlyManifestErrors(() => parseImageReference(textInput));
        onlyManifestErrors(() => ssm(textInput));
        onlyManifestErrors(() =>
          replaceImage(Array.isArray(input) ? input : [input as KubeObject], textInput, 'r.io/a:b'),
        );
      }),
      { numRuns: 500 },
    );
  });
});
