// biome-ignore-all lint/suspicious/noExplicitAny: assertions read deep into rendered objects
import { describe, expect, it } from 'vitest';
import { matrix, secretBinding } from '../../test/fixtures/matrix.ts';
import { tomcat } from '../../test/fixtures/tomcat.ts';
import { wordpress } from '../../test/fixtures/wordpress.ts';
import {
  type AppSpec,
  type KubeObject,
  MANAGED_BY,
  ManifestError,
  type RenderOptions,
  render,
  ssm,
  toYaml,
} from '../index.ts';

const base = {
  name: 'web',
  image: 'registry.local/web:v1',
  ports: [{ containerPort: 8080 }],
  probes: { readiness: { http: { path: '/healthz' } } },
} satisfies AppSpec;

const find = (objects: KubeObject[], kind: string) =>
  objects.find((o) => o.kind === kind) as Record<string, any> | undefined;
const deploymentOf = (spec: AppSpec, options?: RenderOptions) =>
  find(render(spec, options), 'Deployment') as Record<string, any>;
const podOf = (spec: AppSpec, options?: RenderOptions) => deploymentOf(spec, options).spec.template;

function errorOf(run: () => unknown): ManifestError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('expected a ManifestError');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('render', () => {
  it('returns the objects in apply order', () => {
    const objects = render(
      {
        ...base,
        createNamespace: true,
        serviceAccount: {},
        configMaps: { b: { k: 'v' }, a: { k: 'v' } },
        secrets: { s: { k: 'v' } },
        ingress: {},
        hpa: { maxReplicas: 4 },
        extra: [{ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' } }],
      },
      {},
    );
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/default',
      'ServiceAccount/web',
      'ConfigMap/a',
      'ConfigMap/b',
      'Secret/s',
      'Service/web',
      'Deployment/web',
      'HorizontalPodAutoscaler/web',
      'PodDisruptionBudget/web',
      'Ingress/web',
      'LimitRange/limits',
    ]);
  });

  it('is pure: the same output for the same input, and the input is not touched', () => {
    for (const c of matrix) {
      const spec = deepFreeze(structuredClone(c.spec));
      expect(render(spec, c.options)).toEqual(render(spec, c.options));
    }
  });

  it('keeps the selector stable across releases; the version only labels the pod template', () => {
    const v1 = deploymentOf(base);
    const v2 = deploymentOf({ ...base, image: 'registry.local/web:v2' });
    const selector = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };
    expect(v1.spec.selector).toEqual({ matchLabels: selector });
    expect(v2.spec.selector).toEqual(v1.spec.selector);
    expect(v1.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('v1');
    expect(v2.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('v2');
    for (const object of render({ ...base, ingress: {}, labels: { team: 'a' } })) {
      expect(object.metadata.labels).toEqual({
        ...selector,
        'app.kubernetes.io/managed-by': MANAGED_BY,
        team: 'a',
      });
    }
    expect(deploymentOf({ ...base, instance: 'web-blue' }).spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'web-blue',
    });
  });

  it('hardens the pod by default', () => {
    const pod = podOf(base).spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '256Mi' },
    });
    expect(pod.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' },
        },
        matchLabelKeys: ['pod-template-hash'],
      },
    ]);
    expect(
      podOf({ ...base, topologySpread: 'zones-required' }).spec.topologySpreadConstraints[0]
        .whenUnsatisfiable,
    ).toBe('DoNotSchedule');
    expect(podOf({ ...base, topologySpread: 'none' }).spec.topologySpreadConstraints).toBeUndefined();
  });

  it.each([
    ['one-at-a-time', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }],
    ['half-at-a-time', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } }],
    ['all-at-once', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 } }],
    ['recreate', { type: 'Recreate' }],
    [
      { maxSurge: 2, maxUnavailable: '25%' },
      { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: '25%' } },
    ],
  ] as const)('renders the strategy %j', (strategy, expected) => {
    expect(deploymentOf({ ...base, strategy }).spec.strategy).toEqual(expected);
  });

  it('renders env values of every kind, SSM references through their binding', () => {
    const spec = {
      ...base,
      env: {
        TEXT: 'x',
        NUMBER: 3,
        FLAG: false,
        FIELD: { fieldRef: { fieldPath: 'status.podIP' } },
        KEY: { secretKeyRef: { name: 's', key: 'k' } },
        PASSWORD: ssm('/app/prod/PASSWORD'),
        ENDPOINT: ssm('/app/prod/ENDPOINT'),
      },
    } satisfies AppSpec;
    const env = podOf(spec, {
      ssmBinding: (name) =>
        name.endsWith('PASSWORD')
          ? { kind: 'Secret', name: 'app-ssm', key: 'PASSWORD' }
          : { kind: 'ConfigMap', name: 'app-config', key: 'ENDPOINT' },
    }).spec.containers[0].env;
    expect(env).toEqual([
      { name: 'TEXT', value: 'x' },
      { name: 'NUMBER', value: '3' },
      { name: 'FLAG', value: 'false' },
      { name: 'FIELD', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'KEY', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'app-ssm', key: 'PASSWORD' } } },
      { name: 'ENDPOINT', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'ENDPOINT' } } },
    ]);
  });

  it('refuses SSM references without a binding, naming each use', () => {
    const spec = {
      ...base,
      env: { A: ssm('/app/a') },
      sidecars: [{ name: 'side', image: 's:1', env: { B: ssm('/app/b') } }],
    } satisfies AppSpec;
    const error = errorOf(() => render(spec));
    expect(error.code).toBe('SSM_UNBOUND');
    expect(error.issues).toEqual([
      { path: 'env.A', message: expect.stringContaining('no ssmBinding'), value: '/app/a' },
      { path: 'sidecars[0].env.B', message: expect.stringContaining('no ssmBinding'), value: '/app/b' },
    ]);
    const bad = errorOf(() =>
      render(spec, { ssmBinding: () => ({ kind: 'Secret', name: 'Bad Name', key: 'a/b' }) }),
    );
    expect(bad.code).toBe('INVALID_OPTIONS');
    expect(bad.issues.map((i) => i.path)).toEqual([
      'ssmBinding("/app/a").name',
      'ssmBinding("/app/a").key',
      'ssmBinding("/app/b").name',
      'ssmBinding("/app/b").key',
    ]);
  });

  it('applies the image override and the pod template annotations', () => {
    const template = podOf(
      { ...base, podAnnotations: { a: '1', b: '1' }, sidecars: [{ name: 'side', image: 'side:1' }] },
      { image: 'registry.local/web:v9', podTemplateAnnotations: { b: '2', 'kubeship.dev/checksum': 'abc' } },
    );
    expect(template.spec.containers.map((c: { image: string }) => c.image)).toEqual([
      'registry.local/web:v9',
      'side:1',
    ]);
    expect(template.metadata.labels['app.kubernetes.io/version']).toBe('v9');
    expect(template.metadata.annotations).toEqual({ a: '1', b: '2', 'kubeship.dev/checksum': 'abc' });
    const error = errorOf(() =>
      render(base, { image: 'Not An Image', podTemplateAnnotations: { 'bad key!': 'x' } }),
    );
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.issues.map((i) => i.path)).toEqual(['image', 'podTemplateAnnotations["bad key!"]']);
  });

  it('leaves replicas to the HPA and targets 70% CPU by default', () => {
    const objects = render({ ...base, replicas: 3, hpa: { maxReplicas: 9 } });
    expect(find(objects, 'Deployment')?.spec.replicas).toBeUndefined();
    expect(find(objects, 'HorizontalPodAutoscaler')?.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 3,
      maxReplicas: 9,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    });
    expect(deploymentOf(base).spec.replicas).toBe(2);
  });

  it('renders a PodDisruptionBudget when more than one pod runs, unless told otherwise', () => {
    const pdb = (spec: AppSpec) => find(render(spec), 'PodDisruptionBudget')?.spec;
    expect(pdb(base)).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } },
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(pdb({ ...base, replicas: 1 })).toBeUndefined();
    expect(pdb({ ...base, replicas: 1, hpa: { minReplicas: 2, maxReplicas: 4 } })?.maxUnavailable).toBe(1);
    expect(pdb({ ...base, pdb: false })).toBeUndefined();
    expect(pdb({ ...base, replicas: 1, pdb: { minAvailable: '50%' } })?.minAvailable).toBe('50%');
  });

  it('renders the Service from the container ports by default, or none', () => {
    const svc = (spec: AppSpec) => find(render(spec), 'Service')?.spec;
    expect(
      svc({
        ...base,
        ports: [{ containerPort: 8080 }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
      }),
    ).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' },
      ports: [
        { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
      ],
    });
    expect(
      svc({ ...base, service: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } })?.ports,
    ).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', nodePort: 30080 }]);
    expect(svc({ ...base, service: false })).toBeUndefined();
    expect(
      svc({ ...base, ports: [], probes: { readiness: { exec: { command: ['true'] } } } }),
    ).toBeUndefined();
  });

  it('types the ALB annotations, all as strings', () => {
    const objects = render({
      ...base,
      service: { type: 'NodePort' },
      ingress: {
        hosts: ['a.example.com'],
        alb: {
          scheme: 'internet-facing',
          targetType: 'instance',
          certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
          sslRedirect: 443,
          healthcheck: { intervalSeconds: 15, healthyThreshold: 2, successCodes: '200-399', port: 8080 },
          groupName: 'shared',
          groupOrder: -5,
          tags: { team: 'web', env: 'prod' },
        },
        annotations: { 'alb.ingress.kubernetes.io/scheme': 'internal', 'example.com/x': 'y' },
      },
    });
    const ingress = find(objects, 'Ingress') as Record<string, any>;
    expect(ingress.metadata.annotations).toEqual({
      'alb.ingress.kubernetes.io/scheme': 'internal',
      'alb.ingress.kubernetes.io/target-type': 'instance',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
      'alb.ingress.kubernetes.io/certificate-arn': 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      'alb.ingress.kubernetes.io/healthcheck-path': '/healthz',
      'alb.ingress.kubernetes.io/healthcheck-port': '8080',
      'alb.ingress.kubernetes.io/healthcheck-interval-seconds': '15',
      'alb.ingress.kubernetes.io/healthy-threshold-count': '2',
      'alb.ingress.kubernetes.io/success-codes': '200-399',
      'alb.ingress.kubernetes.io/group.name': 'shared',
      'alb.ingress.kubernetes.io/group.order': '-5',
      'alb.ingress.kubernetes.io/tags': 'team=web,env=prod',
      'example.com/x': 'y',
    });
    expect(ingress.spec).toEqual({
      ingressClassName: 'alb',
      rules: [
        {
          host: 'a.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'web', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    });
    const annotation = (spec: AppSpec) =>
      find(render(spec), 'Ingress')?.metadata.annotations['alb.ingress.kubernetes.io/healthcheck-path'];
    const twoPorts = { ...base, ports: [{ containerPort: 8080 }, { name: 'admin', containerPort: 9000 }] };
    expect(annotation({ ...twoPorts, ingress: {} })).toBe('/healthz');
    expect(annotation({ ...twoPorts, ingress: { paths: [{ path: '/', port: 'admin' }] } })).toBeUndefined();
    expect(
      annotation({
        ...twoPorts,
        probes: { readiness: { http: { path: '/ready', port: 'admin' } } },
        ingress: {},
      }),
    ).toBeUndefined();
    expect(annotation({ ...base, probes: { readiness: { tcp: {} } }, ingress: {} })).toBeUndefined();
    const other = find(render({ ...base, ingress: { className: 'nginx' } }), 'Ingress');
    expect(other?.metadata.annotations).toBeUndefined();
    expect(other?.spec.ingressClassName).toBe('nginx');
  });

  it('renders the ServiceAccount with its IRSA role, and mounts its token only when asked', () => {
    const roleArn = 'arn:aws:iam::123456789012:role/web';
    const objects = render({ ...base, serviceAccount: { roleArn, automountToken: true } });
    expect(find(objects, 'ServiceAccount')?.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': roleArn,
    });
    expect(find(objects, 'Deployment')?.spec.template.spec).toMatchObject({
      serviceAccountName: 'web',
      automountServiceAccountToken: true,
    });
    const existing = render({ ...base, serviceAccount: { name: 'shared', create: false } });
    expect(find(existing, 'ServiceAccount')).toBeUndefined();
    expect(find(existing, 'Deployment')?.spec.template.spec.serviceAccountName).toBe('shared');
  });

  it('renders Secrets base64-encoded and ConfigMaps as given', () => {
    const objects = render({
      ...base,
      secrets: { creds: { password: 'pä$$' } },
      configMaps: { cfg: { mode: 'on' } },
    });
    expect(find(objects, 'Secret')).toMatchObject({
      type: 'Opaque',
      data: { password: Buffer.from('pä$$').toString('base64') },
    });
    expect(find(objects, 'ConfigMap')?.data).toEqual({ mode: 'on' });
  });

  it('adds the app labels and namespace to extra objects, unless cluster-scoped or given', () => {
    const objects = render({
      ...base,
      namespace: 'shop',
      extra: [
        {
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: 'l', labels: { 'app.kubernetes.io/name': 'other' } },
        },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'elsewhere' } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } },
      ],
    }).slice(-3);
    expect(objects.map((o) => [o.metadata.namespace, o.metadata.labels?.['app.kubernetes.io/name']])).toEqual(
      [
        ['shop', 'other'],
        ['elsewhere', 'web'],
        [undefined, 'web'],
      ],
    );
    const clash = errorOf(() =>
      render({ ...base, extra: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } }] }),
    );
    expect(clash.code).toBe('INVALID_SPEC');
    expect(clash.issues).toEqual([
      { path: 'extra[0]', message: 'is already an object of this spec', value: 'Service/web' },
    ]);
  });

  it('applies merge patches and JSON patch operations in order', () => {
    const objects = render({
      ...base,
      patches: [
        { target: { kind: 'Deployment' }, merge: { spec: { minReadySeconds: 5, strategy: null } } },
        {
          target: { kind: 'Deployment', name: 'web' },
          ops: [
            { op: 'add', path: '/spec/template/spec/containers/0/args', value: ['--verbose'] },
            { op: 'add', path: '/spec/template/spec/containers/0/args/-', value: '--debug' },
            { op: 'remove', path: '/spec/revisionHistoryLimit' },
          ],
        },
      ],
    });
    const spec = find(objects, 'Deployment')?.spec;
    expect(spec).toMatchObject({ minReadySeconds: 5 });
    expect(spec).not.toHaveProperty('strategy');
    expect(spec).not.toHaveProperty('revisionHistoryLimit');
    expect(spec?.template.spec.containers[0].args).toEqual(['--verbose', '--debug']);
  });

  it('reports patches that match nothing or fail, and objects that patches broke', () => {
    const failed = errorOf(() =>
      render({
        ...base,
        patches: [
          { target: { kind: 'StatefulSet' }, merge: { spec: {} } },
          { target: { kind: 'Deployment' }, ops: [{ op: 'replace', path: '/spec/nothing', value: 1 }] },
          { target: { kind: 'Deployment' }, ops: [{ op: 'test', path: '/spec/replicas', value: 5 }] },
        ],
      }),
    );
    expect(failed.code).toBe('INVALID_PATCH');
    expect(failed.issues).toEqual([
      { path: 'patches[0].target', message: 'matches no rendered object', value: { kind: 'StatefulSet' } },
      { path: 'patches[1].ops', message: '/spec/nothing: no value to replace', object: 'Deployment/web' },
      { path: 'patches[2].ops', message: '/spec/replicas: test failed', object: 'Deployment/web' },
    ]);
    const broken = errorOf(() =>
      render({
        ...base,
        patches: [
          {
            target: { kind: 'Deployment' },
            merge: { spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': 'x' } } } } },
          },
        ],
      }),
    );
    expect(broken.code).toBe('INVALID_OBJECT');
    expect(broken.issues).toEqual([
      expect.objectContaining({
        path: 'deployment.spec.selector.matchLabels["app.kubernetes.io/name"]',
        object: 'Deployment/web',
      }),
    ]);
  });

  it('renders a Deployment for every case of the dry-run matrix', () => {
    for (const c of matrix) expect(find(render(c.spec, c.options), 'Deployment'), c.title).toBeDefined();
  });

  it('renders the WordPress and Tomcat examples as snapshotted', async () => {
    await expect(toYaml(render(wordpress, { ssmBinding: secretBinding }))).toMatchFileSnapshot(
      '__snapshots__/wordpress.yaml',
    );
    await expect(toYaml(render(tomcat, { ssmBinding: secretBinding }))).toMatchFileSnapshot(
      '__snapshots__/tomcat.yaml',
    );
  });
});

describe('hooks', () => {
  const withHooks: AppSpec = {
    ...base,
    env: { DB_PASSWORD: ssm('/shop/db/password') },
    sidecars: [{ name: 'proxy', image: 'registry.local/proxy:1' }],
    hooks: [
      { name: 'migrate', phase: 'pre-deploy', command: ['flyway', 'migrate'], timeoutSeconds: 120 },
      {
        name: 'smoke',
        phase: 'post-deploy',
        image: 'registry.local/curl:8',
        args: ['-f', 'http://web/healthz'],
      },
    ],
  };
  const jobs = (options?: RenderOptions) =>
    render(withHooks, { ssmBinding: secretBinding, ...options }).filter((o) => o.kind === 'Job') as Array<
      Record<string, any>
    >;

  it('renders annotated Jobs with the main container, its env and the deployed image', () => {
    const [migrate, smoke] = jobs({ image: 'registry.local/web:v2' });
    expect(migrate?.metadata.annotations).toEqual({
      'kubeship.dev/hook': 'pre-deploy',
      'kubeship.dev/hook-timeout-seconds': '120',
      'kubeship.dev/hook-delete-policy': 'succeeded',
    });
    expect(migrate?.spec.backoffLimit).toBe(0);
    const pod = migrate?.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0]).toMatchObject({
      name: 'migrate',
      image: 'registry.local/web:v2',
      command: ['flyway', 'migrate'],
    });
    expect(pod.containers[0].env).toEqual([
      {
        name: 'DB_PASSWORD',
        valueFrom: { secretKeyRef: expect.objectContaining({ key: expect.any(String) }) },
      },
    ]);
    expect(pod.containers[0].readinessProbe).toBeUndefined();
    expect(pod.containers[0].ports).toBeUndefined();
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(smoke?.spec.template.spec.containers[0]).toMatchObject({
      image: 'registry.local/curl:8',
      args: ['-f', 'http://web/healthz'],
    });
  });

  it("keeps hook pods out of the app's Service selector", () => {
    const objects = render(withHooks, { ssmBinding: secretBinding });
    const selector = find(objects, 'Service')?.spec.selector as Record<string, string>;
    for (const job of jobs()) {
      const labels = job.spec.template.metadata.labels as Record<string, string>;
      expect(Object.entries(selector).every(([k, v]) => labels[k] === v)).toBe(false);
    }
  });

  it('names a bad hook by its path', () => {
    const error = errorOf(() =>
      render({ ...base, hooks: [{ name: 'Migrate!', phase: 'before' as 'pre-deploy' }] }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['hooks[0].name', 'hooks[0].phase']),
    );
  });
});
