import { describe, expect, it } from 'vitest';
import { type AppSpec, defineApp, ManifestError, ssm, ssmReferences, validateApp } from '../index.ts';

const base = {
  name: 'web',
  image: 'registry.local/web:v1',
  ports: [{ containerPort: 8080 }],
  probes: { readiness: { http: { path: '/healthz' } } },
} satisfies AppSpec;

function issuesOf(spec: unknown): { path: string; message: string; value?: unknown }[] {
  try {
    validateApp(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).code).toBe('INVALID_SPEC');
    return (error as ManifestError).issues.map((issue) => ({ ...issue }));
  }
  throw new Error('expected the spec to be rejected');
}

const paths = (spec: unknown) => issuesOf(spec).map((issue) => issue.path);

describe('validateApp defaults', () => {
  it('fills in the documented defaults', () => {
    expect(validateApp(base)).toMatchObject({
      namespace: 'default',
      createNamespace: false,
      replicas: 2,
      strategy: 'one-at-a-time',
      progressDeadlineSeconds: 300,
      revisionHistoryLimit: 5,
      minReadySeconds: 0,
      topologySpread: 'zones-preferred',
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      security: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: false,
        capabilities: { drop: ['ALL'], add: [] },
      },
      podSecurity: { runAsNonRoot: true, seccompProfile: 'RuntimeDefault' },
    });
  });

  it('fills in nested defaults of the ingress, service account and security overrides', () => {
    const app = validateApp({
      ...base,
      ingress: {},
      serviceAccount: {},
      security: { capabilities: { add: ['NET_BIND_SERVICE'] } },
    });
    expect(app.ingress).toEqual({
      className: 'alb',
      hosts: [],
      paths: [{ path: '/', pathType: 'Prefix' }],
      alb: { scheme: 'internal', targetType: 'ip' },
    });
    expect(app.serviceAccount).toEqual({ create: true, automountToken: false });
    expect(app.security.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
  });

  it('returns a spec unchanged through defineApp, and throws for a bad one', () => {
    expect(defineApp(base)).toBe(base);
    expect(() => defineApp({ ...base, replicas: -1 })).toThrow(ManifestError);
  });
});

describe('validateApp schema problems', () => {
  it('lists every problem at once, with path, rule and value', () => {
    const issues = issuesOf({
      name: 'Web_App',
      image: 'Registry/Web:v1',
      replicas: 1.5,
      ports: [{ containerPort: 70000, name: 'HTTP' }],
      env: { '1BAD': 'x', GOOD: { configMapKeyRef: { name: 'Bad_Name', key: 'k' } } },
      probes: { readiness: { http: { path: 'healthz' } } },
      replica: 3,
    });
    expect(issues).toEqual([
      { path: 'name', message: expect.stringContaining('DNS-1035 label'), value: 'Web_App' },
      {
        path: 'image',
        message: expect.stringContaining('not a valid image reference'),
        value: 'Registry/Web:v1',
      },
      { path: 'env["1BAD"]', message: expect.stringContaining('environment variable name'), value: '1BAD' },
      {
        path: 'env.GOOD.configMapKeyRef.name',
        message: expect.stringContaining('DNS-1123 subdomain'),
        value: 'Bad_Name',
      },
      { path: 'ports[0].name', message: expect.stringContaining('port name'), value: 'HTTP' },
      { path: 'ports[0].containerPort', message: 'must be a port number from 1 to 65535', value: 70000 },
      {
        path: 'probes.readiness.http.path',
        message: "must be an absolute path starting with '/'",
        value: 'healthz',
      },
      { path: 'replicas', message: 'expected int, got a fractional number', value: 1.5 },
      { path: 'replica', message: 'unknown field', value: 3 },
    ]);
  });

  it('says a readiness probe is required unless waived', () => {
    const { probes: _, ...withoutProbes } = base;
    expect(issuesOf(withoutProbes)).toEqual([
      { path: 'probes', message: 'probes.readiness is required (or probes: { readiness: false })' },
    ]);
    expect(issuesOf({ ...base, probes: {} })).toEqual([
      {
        path: 'probes.readiness',
        message: 'a readiness probe is required (or readiness: false to waive it)',
      },
    ]);
    expect(validateApp({ ...base, probes: { readiness: false } }).probes.readiness).toBe(false);
  });

  it('explains a value that fits no form of a union', () => {
    expect(issuesOf({ ...base, env: { A: { sm: '/x' } } })).toEqual([
      {
        path: 'env.A',
        message: expect.stringContaining('must be a string, number or boolean, or one of { ssm }'),
        value: { sm: '/x' },
      },
    ]);
    expect(issuesOf({ ...base, env: { A: { ssm: 'bad name' } } })[0]).toMatchObject({ path: 'env.A.ssm' });
    expect(issuesOf({ ...base, strategy: 'fast' })[0]?.message).toContain("'one-at-a-time'");
  });

  it('never shows Secret values', () => {
    const issues = issuesOf({ ...base, secrets: { creds: { password: 42, 'bad key': 'hunter2' } } });
    expect(issues.map((i) => i.path)).toEqual(['secrets.creds.password', 'secrets.creds["bad key"]']);
    expect(issues.every((i) => !('value' in i))).toBe(true);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('names the source file in the error', () => {
    try {
      validateApp({ ...base, replicas: -1 }, 'kubeship.config.ts');
    } catch (error) {
      expect((error as ManifestError).file).toBe('kubeship.config.ts');
      expect((error as ManifestError).message).toBe(
        'kubeship.config.ts: invalid application spec: 1 problem\n  - replicas: must be at least 0 (got -1)',
      );
      return;
    }
    throw new Error('expected an error');
  });

  it('rejects what is not an object at all', () => {
    expect(issuesOf(null)).toEqual([{ path: '', message: 'expected object, got null', value: null }]);
    expect(issuesOf('web')[0]?.message).toBe('expected object, got a string');
  });
});

describe('validateApp cross-field rules', () => {
  it('rejects labels kubeship sets itself', () => {
    expect(issuesOf({ ...base, labels: { 'app.kubernetes.io/version': 'x', team: 'a' } })).toEqual([
      { path: 'labels["app.kubernetes.io/version"]', message: 'is set by kubeship and cannot be overridden' },
    ]);
  });

  it('rejects duplicate container names, ports and port names across the pod', () => {
    const spec = {
      ...base,
      ports: [{ containerPort: 8080 }, { name: 'admin', containerPort: 9000 }],
      sidecars: [
        { name: 'web', image: 'proxy:1', ports: [{ name: 'admin', containerPort: 8080 }] },
        { name: 'proxy', image: 'proxy:1' },
      ],
      initContainers: [{ name: 'proxy', image: 'proxy:1' }],
    } satisfies AppSpec;
    expect(issuesOf(spec)).toEqual([
      {
        path: 'sidecars[0].name',
        message: 'duplicate container name (also the main container)',
        value: 'web',
      },
      {
        path: 'initContainers[0].name',
        message: 'duplicate container name (also sidecars[1])',
        value: 'proxy',
      },
      { path: 'sidecars[0].ports[0].containerPort', message: 'duplicate port (also ports[0])', value: 8080 },
      { path: 'sidecars[0].ports[0].name', message: 'duplicate port name (also ports[1])', value: 'admin' },
    ]);
  });

  it('rejects probes on ports nobody exposes, and liveness success thresholds other than 1', () => {
    const spec = {
      ...base,
      probes: {
        readiness: { http: { path: '/', port: 'admin' } },
        liveness: { tcp: { port: 9999 }, successThreshold: 2 },
        startup: { http: { path: '/' }, successThreshold: 3 },
      },
      sidecars: [{ name: 'worker', image: 'w:1', probes: { readiness: { tcp: {} } } }],
    } satisfies AppSpec;
    expect(issuesOf(spec)).toEqual([
      {
        path: 'probes.readiness',
        message: 'the probe checks a port nobody listens on: container web has no port named admin',
        value: 'admin',
      },
      {
        path: 'probes.liveness',
        message: 'the probe checks a port nobody listens on: no container exposes port 9999',
        value: 9999,
      },
      { path: 'probes.startup.successThreshold', message: 'must be 1 for a startup probe', value: 3 },
      { path: 'sidecars[0].probes.readiness', message: 'the probe needs a port: the container exposes none' },
    ]);
  });

  it('rejects limits below requests', () => {
    expect(
      issuesOf({
        ...base,
        resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi', cpu: '1' } },
      }),
    ).toEqual([
      { path: 'resources.limits.memory', message: 'must be at least the request (1Gi)', value: '512Mi' },
    ]);
  });

  it('checks key references into ConfigMaps and Secrets the spec declares', () => {
    const spec = {
      ...base,
      env: {
        A: { configMapKeyRef: { name: 'config', key: 'missing' } },
        B: { secretKeyRef: { name: 'creds', key: 'nope' } },
        C: { secretKeyRef: { name: 'creds', key: 'nope', optional: true } },
        D: { configMapKeyRef: { name: 'elsewhere', key: 'any' } },
        E: { configMapKeyRef: { name: 'config', key: 'present' } },
      },
      configMaps: { config: { present: 'yes' } },
      secrets: { creds: { password: 'x' } },
    } satisfies AppSpec;
    expect(paths(spec)).toEqual(['env.A', 'env.B']);
    expect(issuesOf(spec)[1]?.message).toBe('Secret creds (declared in this spec) has no key nope');
  });

  it('checks volumes and mounts', () => {
    const spec = {
      ...base,
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'data', configMap: { name: 'c' } },
      ],
      volumeMounts: [
        { name: 'data', mountPath: '/data' },
        { name: 'cache', mountPath: '/data' },
      ],
    } satisfies AppSpec;
    expect(issuesOf(spec)).toEqual([
      { path: 'volumes[1].name', message: 'duplicate volume name', value: 'data' },
      {
        path: 'volumeMounts[1].name',
        message: 'mounts a volume that volumes does not declare',
        value: 'cache',
      },
      { path: 'volumeMounts[1].mountPath', message: 'duplicate mount path', value: '/data' },
    ]);
  });

  it('checks Service ports against the containers', () => {
    expect(
      issuesOf({
        ...base,
        service: {
          ports: [
            { port: 80, targetPort: 'web' },
            { port: 80, targetPort: 8080, nodePort: 30080 },
          ],
        },
      }),
    ).toEqual([
      { path: 'service.ports[0].targetPort', message: 'no container exposes this target port', value: 'web' },
      {
        path: 'service.ports[1].nodePort',
        message: 'needs service.type NodePort or LoadBalancer',
        value: 30080,
      },
      { path: 'service.ports[1].port', message: 'duplicate Service port', value: 80 },
    ]);
    expect(issuesOf({ ...base, ports: [], probes: { readiness: false }, service: {} })).toEqual([
      { path: 'service', message: 'the Service needs ports: give service.ports or container ports' },
    ]);
  });

  it('checks Ingress backends, target type, listeners and health checks', () => {
    const spec = {
      ...base,
      ingress: {
        paths: [{ path: '/' }, { path: '/x', port: 'nope' }, { path: '/y', service: 'other', port: 80 }],
        alb: {
          targetType: 'instance',
          listenPorts: [
            { protocol: 'HTTPS', port: 443 },
            { protocol: 'HTTP', port: 443 },
          ],
          sslRedirect: 8443,
          healthcheck: { intervalSeconds: 5, timeoutSeconds: 5 },
        },
      },
    } satisfies AppSpec;
    expect(issuesOf(spec)).toEqual([
      { path: 'ingress.paths[1].port', message: 'Service web has no such port', value: 'nope' },
      {
        path: 'ingress.paths[2].service',
        message: 'names no Service of this spec (the app Service or one in extra)',
        value: 'other',
      },
      {
        path: 'ingress.alb.targetType',
        message: "'instance' targets need service.type NodePort (or LoadBalancer)",
      },
      { path: 'ingress.alb.certificateArn', message: 'is required for an HTTPS listener' },
      { path: 'ingress.alb.sslRedirect', message: 'must be the port of an HTTPS listener', value: 8443 },
      { path: 'ingress.alb.listenPorts[1]', message: 'duplicate listener port', value: 443 },
      { path: 'ingress.alb.healthcheck.timeoutSeconds', message: 'must be less than intervalSeconds' },
    ]);
    expect(paths({ ...base, service: false, ingress: {} })).toEqual(['ingress.paths[0].service']);
  });

  it('checks the autoscaler', () => {
    expect(
      issuesOf({
        ...base,
        replicas: 0,
        resources: { requests: { memory: '64Mi' } },
        hpa: { maxReplicas: 3, memoryUtilization: 80, cpuUtilization: 50 },
      }),
    ).toEqual([
      { path: 'hpa.minReplicas', message: 'must be at least 1 (from replicas)', value: 0 },
      {
        path: 'resources.requests.cpu',
        message: 'is required: the HPA targets cpu utilization, a share of the request',
      },
    ]);
    expect(paths({ ...base, hpa: { minReplicas: 5, maxReplicas: 3 } })).toEqual(['hpa.maxReplicas']);
  });

  it('checks rollout bounds, service accounts and tolerations', () => {
    expect(
      issuesOf({
        ...base,
        strategy: { maxSurge: 0, maxUnavailable: '0%' },
        minReadySeconds: 600,
        serviceAccount: { create: false, roleArn: 'arn:aws:iam::123456789012:role/x' },
        tolerations: [
          { key: 'a', operator: 'Exists', value: 'x' },
          { operator: 'Equal' },
          { key: 'b', tolerationSeconds: 5, effect: 'NoSchedule' },
        ],
      }),
    ).toEqual([
      {
        path: 'strategy',
        message: 'maxSurge and maxUnavailable cannot both be 0: the rollout could never progress',
      },
      { path: 'progressDeadlineSeconds', message: 'must be greater than minReadySeconds (600)' },
      {
        path: 'serviceAccount.roleArn',
        message: 'needs create: true (kubeship can only annotate a ServiceAccount it renders)',
      },
      { path: 'tolerations[0].value', message: "must be empty when operator is 'Exists'" },
      { path: 'tolerations[1].operator', message: "must be 'Exists' when there is no key" },
      { path: 'tolerations[2].effect', message: "must be 'NoExecute' when tolerationSeconds is set" },
    ]);
  });
});

describe('ssmReferences', () => {
  it('lists the parameters of every container, unique and sorted', () => {
    const spec = {
      ...base,
      env: { B: ssm('/app/b'), A: ssm('/app/a'), A2: ssm('/app/a'), PLAIN: 'x' },
      sidecars: [{ name: 'side', image: 's:1', env: { T: { ssm: '/app/token' } } }],
      initContainers: [{ name: 'init', image: 'i:1', env: { C: ssm('/aws/reference/secretsmanager/c') } }],
    } satisfies AppSpec;
    expect(ssmReferences(spec)).toEqual([
      '/app/a',
      '/app/b',
      '/app/token',
      '/aws/reference/secretsmanager/c',
    ]);
    expect(ssmReferences(base)).toEqual([]);
  });
});
