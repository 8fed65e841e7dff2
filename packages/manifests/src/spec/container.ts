// The parts of a container: shared by the app's main container, its sidecars and its init containers.
import * as z from 'zod';
import { imageProblem } from '../_image.ts';
import {
  checkedString,
  configKey,
  dns1123Label,
  dns1123Subdomain,
  envName,
  portName,
  portNumber,
  portRef,
  qualifiedName,
  quantity,
} from '../_names.ts';
import { ssmReferenceSchema } from '../_ssm.ts';

export const image = checkedString(imageProblem);

const keyRef = z.strictObject({ name: dns1123Subdomain, key: configKey, optional: z.boolean().optional() });

/** One environment value: a literal, a ConfigMap/Secret key, a pod field, or an SSM parameter. */
const envValue = z.union(
  [
    z.string(),
    z.number(),
    z.boolean(),
    ssmReferenceSchema,
    z.strictObject({ configMapKeyRef: keyRef }),
    z.strictObject({ secretKeyRef: keyRef }),
    z.strictObject({ fieldRef: z.strictObject({ fieldPath: z.string().min(1) }) }),
  ],
  {
    error:
      'must be a string, number or boolean, or one of { ssm }, { configMapKeyRef }, { secretKeyRef }, { fieldRef }',
  },
);

const envFromSource = z.union(
  [
    z.strictObject({ configMapRef: z.strictObject({ name: dns1123Subdomain }) }),
    z.strictObject({ secretRef: z.strictObject({ name: dns1123Subdomain }) }),
  ],
  { error: 'must be { configMapRef: { name } } or { secretRef: { name } }' },
);

const resourceList = z.record(qualifiedName, quantity);

const DEFAULT_RESOURCES = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { memory: '256Mi' },
} as const;

const absolutePath = z.string().startsWith('/', { error: "must be an absolute path starting with '/'" });

const timing = {
  initialDelaySeconds: z.int().min(0).optional(),
  periodSeconds: z.int().min(1).optional(),
  timeoutSeconds: z.int().min(1).optional(),
  successThreshold: z.int().min(1).optional(),
  failureThreshold: z.int().min(1).optional(),
};

/**
 * A probe: `http` (GET a path), `tcp` (open a port), `grpc` (health service) or `exec` (run a command).
 * A missing port means the container's first port.
 */
export const probe = z.union(
  [
    z.strictObject({
      http: z.strictObject({
        path: absolutePath,
        port: portRef.optional(),
        scheme: z.enum(['HTTP', 'HTTPS']).optional(),
        headers: z.record(z.string().min(1), z.string()).optional(),
      }),
      ...timing,
    }),
    z.strictObject({ tcp: z.strictObject({ port: portRef.optional() }), ...timing }),
    z.strictObject({
      grpc: z.strictObject({ port: portNumber.optional(), service: z.string().optional() }),
      ...timing,
    }),
    z.strictObject({ exec: z.strictObject({ command: z.array(z.string()).min(1) }), ...timing }),
  ],
  { error: 'must be a probe: { http }, { tcp }, { grpc } or { exec }, with optional timings' },
);

const capability = z
  .string()
  .regex(/^[A-Z_]+$/, { error: 'must be a capability name such as NET_BIND_SERVICE' });

/** The container's security context; the defaults are the hardened ones. */
const security = z.strictObject({
  allowPrivilegeEscalation: z.boolean().default(false),
  readOnlyRootFilesystem: z.boolean().default(false),
  runAsNonRoot: z.boolean().optional(),
  runAsUser: z.int().min(0).optional(),
  runAsGroup: z.int().min(0).optional(),
  capabilities: z
    .strictObject({ add: z.array(capability).default([]), drop: z.array(capability).default(['ALL']) })
    .prefault({}),
});

/** Fields every container has (the app's own fields, and each sidecar's and init container's). */
export const containerFields = {
  image,
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  /** Environment variables by name, in order. */
  env: z.record(envName, envValue).optional(),
  envFrom: z.array(envFromSource).optional(),
  /** Requests and limits; when absent, requests cpu 100m / memory 128Mi and a memory limit of 256Mi. */
  resources: z
    .strictObject({ requests: resourceList.optional(), limits: resourceList.optional() })
    .default(DEFAULT_RESOURCES),
  security: security.prefault({}),
  volumeMounts: z
    .array(
      z.strictObject({
        name: dns1123Label,
        mountPath: absolutePath,
        readOnly: z.boolean().optional(),
        subPath: z.string().optional(),
      }),
    )
    .optional(),
};

/** A container port; the name defaults to `http`. */
export const containerPort = z.strictObject({
  name: portName.default('http'),
  containerPort: portNumber,
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
});

export const sidecar = z.strictObject({
  name: dns1123Label,
  ...containerFields,
  ports: z.array(containerPort).default([]),
  probes: z
    .strictObject({ readiness: probe.optional(), liveness: probe.optional(), startup: probe.optional() })
    .optional(),
});

export const initContainer = z.strictObject({ name: dns1123Label, ...containerFields });

export const configData = z.record(configKey, z.string());
