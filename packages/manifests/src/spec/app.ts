// The application spec: one zod schema, whose input type is AppSpec and output type (defaults applied) ValidApp.
import * as z from 'zod';
import { IAM_ROLE_ARN_PATTERN } from '../_aws-patterns.ts';
import type { KubeObject } from '../_kube-object.ts';
import {
  annotations,
  dns1035Label,
  dns1123Label,
  dns1123Subdomain,
  intOrPercent,
  kubeObjectShape,
  labels,
  labelValue,
  portNumber,
  portRef,
  qualifiedName,
  quantity,
} from '../_names.ts';
import { configData, containerFields, containerPort, initContainer, probe, sidecar } from './container.ts';
import { ingress } from './ingress.ts';

/** Rollout presets in CodeDeploy's vocabulary, or explicit rolling-update bounds. */
const strategy = z.union(
  [
    z.enum(['one-at-a-time', 'half-at-a-time', 'all-at-once', 'recreate']),
    z.strictObject({ maxSurge: intOrPercent, maxUnavailable: intOrPercent }),
  ],
  {
    error:
      "must be 'one-at-a-time', 'half-at-a-time', 'all-at-once', 'recreate' or { maxSurge, maxUnavailable }",
  },
);

const servicePort = z.strictObject({
  /** Defaults to the name of the container port it targets. */
  name: z.string().optional(),
  port: portNumber,
  /** A container port name or number; defaults to the first container port. */
  targetPort: portRef.optional(),
  nodePort: z.int().min(30000).max(32767).optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
});

/** The Service in front of the pods; by default a ClusterIP Service exposing every container port. */
const service = z.strictObject({
  type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).default('ClusterIP'),
  ports: z.array(servicePort).min(1).optional(),
  annotations: annotations.optional(),
});

const hpa = z.strictObject({
  /** Defaults to `replicas`. */
  minReplicas: z.int().min(1).optional(),
  maxReplicas: z.int().min(1),
  /** Target average CPU utilization in percent of requests; 70 when no metric is given. */
  cpuUtilization: z.int().min(1).max(1000).optional(),
  memoryUtilization: z.int().min(1).max(1000).optional(),
  scaleDownStabilizationSeconds: z.int().min(0).max(3600).optional(),
});

const pdb = z.union(
  [z.strictObject({ maxUnavailable: intOrPercent }), z.strictObject({ minAvailable: intOrPercent })],
  { error: 'must be { maxUnavailable } or { minAvailable } (or false for none)' },
);

const serviceAccount = z.strictObject({
  /** Defaults to the app's name. */
  name: dns1123Subdomain.optional(),
  /** Render the ServiceAccount (default); false to use an existing one. */
  create: z.boolean().default(true),
  /** IAM role for service accounts (IRSA): becomes the `eks.amazonaws.com/role-arn` annotation. */
  roleArn: z
    .string()
    .regex(IAM_ROLE_ARN_PATTERN, {
      error: 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
    })
    .optional(),
  /** Mount the Kubernetes API token into pods; only apps that call the API need it. */
  automountToken: z.boolean().default(false),
  annotations: annotations.optional(),
});

const podSecurity = z.strictObject({
  runAsNonRoot: z.boolean().default(true),
  runAsUser: z.int().min(0).optional(),
  runAsGroup: z.int().min(0).optional(),
  fsGroup: z.int().min(0).optional(),
  seccompProfile: z.enum(['RuntimeDefault', 'Unconfined']).default('RuntimeDefault'),
});

const toleration = z.strictObject({
  key: qualifiedName.optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: labelValue.optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.int().optional(),
});

const volume = z.union(
  [
    z.strictObject({
      name: dns1123Label,
      emptyDir: z.strictObject({ medium: z.enum(['', 'Memory']).optional(), sizeLimit: quantity.optional() }),
    }),
    z.strictObject({
      name: dns1123Label,
      configMap: z.strictObject({
        name: dns1123Subdomain,
        defaultMode: z.int().min(0).max(0o777).optional(),
      }),
    }),
    z.strictObject({
      name: dns1123Label,
      secret: z.strictObject({
        secretName: dns1123Subdomain,
        defaultMode: z.int().min(0).max(0o777).optional(),
      }),
    }),
    z.strictObject({
      name: dns1123Label,
      persistentVolumeClaim: z.strictObject({
        claimName: dns1123Subdomain,
        readOnly: z.boolean().optional(),
      }),
    }),
  ],
  { error: 'must be a volume { name } with one of emptyDir, configMap, secret or persistentVolumeClaim' },
);

/** A Job run at a fixed point of each release, with the main container's image, env and config. */
const hook = z.strictObject({
  /** The Job's name (each run is `<name>-r<revision>`). */
  name: dns1123Label.pipe(z.string().max(52, { error: 'must be at most 52 characters' })),
  /** `pre-deploy`: before any workload changes (migrations); `post-deploy`: once healthy (smoke tests). */
  phase: z.enum(['pre-deploy', 'post-deploy']),
  command: z.array(z.string()).min(1).optional(),
  args: z.array(z.string()).optional(),
  /** Defaults to the image being deployed. */
  image: z.string().min(1).optional(),
  timeoutSeconds: z.int().min(1).max(21_600).default(300),
  /** Retries before the hook fails (default 0: a failed migration is not run again). */
  backoffLimit: z.int().min(0).max(10).default(0),
  /** `succeeded` deletes a passed run; `never` keeps it. A failed run is kept until the next one. */
  deletePolicy: z.enum(['succeeded', 'never']).default('succeeded'),
});

// Typed as KubeObject (input and output) so specs and rendered objects share one type.
const kubeObject = kubeObjectShape as unknown as z.ZodType<KubeObject, KubeObject>;

const pointer = z
  .string()
  .regex(/^(\/([^~]|~[01])*)*$/, { error: "must be a JSON pointer such as '/spec/replicas'" });

const patch = z.union(
  [
    z.strictObject({
      target: z.strictObject({ kind: z.string().min(1), name: z.string().min(1).optional() }),
      /** A JSON merge patch (RFC 7386): objects merge, `null` deletes, arrays are replaced. */
      merge: z.record(z.string(), z.unknown()),
    }),
    z.strictObject({
      target: z.strictObject({ kind: z.string().min(1), name: z.string().min(1).optional() }),
      /** JSON patch operations (RFC 6902): add, remove, replace, test. */
      ops: z
        .array(
          z.union([
            z.strictObject({ op: z.enum(['add', 'replace', 'test']), path: pointer, value: z.unknown() }),
            z.strictObject({ op: z.literal('remove'), path: pointer }),
          ]),
        )
        .min(1),
    }),
  ],
  { error: 'must be { target, merge } or { target, ops }' },
);

/** The application spec schema. */
export const appSchema = z.strictObject({
  /** The app's name: names the Deployment, Service, Ingress and the rest; a DNS-1035 label. */
  name: dns1035Label,
  /** Namespace of every namespaced object; default `default`. */
  namespace: dns1123Label.default('default'),
  /** Also render the Namespace object (default false). */
  createNamespace: z.boolean().default(false),
  /** `app.kubernetes.io/instance`; defaults to the name. */
  instance: labelValue.pipe(z.string().min(1)).optional(),
  /** Extra labels on every object and pod (never in selectors). */
  labels: labels.optional(),
  /** The main container's name; defaults to the app's name. */
  containerName: dns1123Label.optional(),
  ...containerFields,
  ports: z.array(containerPort).default([]),
  /** Probes of the main container; a readiness probe is required unless waived with `readiness: false`. */
  probes: z.strictObject(
    {
      readiness: z.union([probe, z.literal(false)], {
        error: (issue) =>
          issue.input === undefined
            ? 'a readiness probe is required (or readiness: false to waive it)'
            : 'must be a probe: { http }, { tcp }, { grpc } or { exec }, or false to waive it',
      }),
      liveness: probe.optional(),
      startup: probe.optional(),
    },
    {
      error: (issue) =>
        issue.input === undefined
          ? 'probes.readiness is required (or probes: { readiness: false })'
          : undefined,
    },
  ),
  /** Desired pods (default 2); left out of the Deployment when an HPA owns it. */
  replicas: z.int().min(0).default(2),
  strategy: strategy.default('one-at-a-time'),
  progressDeadlineSeconds: z.int().min(1).default(300),
  revisionHistoryLimit: z.int().min(0).default(5),
  minReadySeconds: z.int().min(0).default(0),
  terminationGracePeriodSeconds: z.int().min(0).optional(),
  /** Spread pods across availability zones: preferred (default), required, or not at all. */
  topologySpread: z.enum(['zones-preferred', 'zones-required', 'none']).default('zones-preferred'),
  nodeSelector: labels.optional(),
  tolerations: z.array(toleration).optional(),
  podSecurity: podSecurity.prefault({}),
  podAnnotations: annotations.optional(),
  serviceAccount: serviceAccount.optional(),
  imagePullSecrets: z.array(dns1123Subdomain).optional(),
  volumes: z.array(volume).optional(),
  sidecars: z.array(sidecar).optional(),
  initContainers: z.array(initContainer).optional(),
  /** The Service; rendered by default when the main container has ports, `false` for none. */
  service: z.union([service, z.literal(false)]).optional(),
  ingress: ingress.optional(),
  hpa: hpa.optional(),
  /** Default `{ maxUnavailable: 1 }` when more than one pod runs; `false` for none. */
  pdb: z.union([pdb, z.literal(false)]).optional(),
  /** ConfigMaps by name: key to value. */
  configMaps: z.record(dns1123Subdomain, configData).optional(),
  /** Secrets by name: key to value (plain text; rendered base64-encoded). */
  secrets: z.record(dns1123Subdomain, configData).optional(),
  /** Jobs run before the workloads change (`pre-deploy`) or once they are healthy (`post-deploy`). */
  hooks: z.array(hook).optional(),
  /** Raw objects rendered after the app's own, with the app's labels added. */
  extra: z.array(kubeObject).optional(),
  /** Changes applied to the rendered objects, in order. */
  patches: z.array(patch).optional(),
});

/** The application spec as written (the input of the spec's zod schema, `appSchema`). */
export type AppSpec = z.input<typeof appSchema>;

/** An application spec that passed validation, with every default filled in. */
export type ValidApp = z.output<typeof appSchema>;
