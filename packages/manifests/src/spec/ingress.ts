// The Ingress options, typed for the AWS Load Balancer Controller's alb.ingress.kubernetes.io/* annotations.
import * as z from 'zod';
import { annotations, dns1035Label, dns1123Subdomain, portNumber, portRef } from '../_names.ts';

const certificateArn = z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
  error: 'must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)',
});

const host = z
  .string()
  .refine((value) => dns1123Subdomain.safeParse(value.startsWith('*.') ? value.slice(2) : value).success, {
    error: "must be a DNS name such as 'www.example.com' (or a wildcard '*.example.com')",
  });

const cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/, { error: 'must be a CIDR block' });

const seconds = (min: number, max: number) => z.int().min(min).max(max);

/** Target group health checks; the path defaults to the readiness probe's HTTP path. */
const healthcheck = z.strictObject({
  path: z.string().startsWith('/', { error: "must start with '/'" }).optional(),
  port: z.union([portNumber, z.literal('traffic-port')]).optional(),
  protocol: z.enum(['HTTP', 'HTTPS']).optional(),
  intervalSeconds: seconds(5, 300).optional(),
  timeoutSeconds: seconds(2, 120).optional(),
  healthyThreshold: seconds(2, 10).optional(),
  unhealthyThreshold: seconds(2, 10).optional(),
  /** e.g. `200`, `200,302` or `200-399`. */
  successCodes: z
    .string()
    .regex(/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, {
      error: "must be HTTP codes such as '200', '200,302' or '200-399'",
    })
    .optional(),
});

/** Options of the AWS Load Balancer Controller, emitted as `alb.ingress.kubernetes.io/*` annotations. */
export const alb = z.strictObject({
  /** `internal` (default, as the controller's) or `internet-facing`. */
  scheme: z.enum(['internet-facing', 'internal']).default('internal'),
  /** `ip` (default: pods are targets, works with a ClusterIP Service) or `instance` (needs a NodePort Service). */
  targetType: z.enum(['ip', 'instance']).default('ip'),
  /** Default: HTTP 80, plus HTTPS 443 when a certificate is given. */
  listenPorts: z
    .array(z.strictObject({ protocol: z.enum(['HTTP', 'HTTPS']), port: portNumber }))
    .min(1)
    .optional(),
  certificateArn: z.union([certificateArn, z.array(certificateArn).min(1)]).optional(),
  /** The HTTPS port that HTTP requests are redirected to. */
  sslRedirect: portNumber.optional(),
  sslPolicy: z.string().min(1).optional(),
  healthcheck: healthcheck.optional(),
  /** Share one ALB between Ingresses of the same group. */
  groupName: z
    .string()
    .regex(/^[a-z0-9]([-.a-z0-9]{0,61}[a-z0-9])?$/, {
      error:
        "must be at most 63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
    })
    .optional(),
  groupOrder: z.int().min(-1000).max(1000).optional(),
  loadBalancerName: z
    .string()
    .regex(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/, {
      error: "must be at most 32 letters, digits and '-', not starting or ending with '-'",
    })
    .optional(),
  tags: z.record(z.string().regex(/^[^,=]+$/), z.string().regex(/^[^,=]*$/)).optional(),
  inboundCidrs: z.array(cidr).min(1).optional(),
});

/** One path of the Ingress; the backend defaults to the app's Service and its first port. */
const ingressPath = z.strictObject({
  path: z.string().startsWith('/', { error: "must start with '/'" }),
  pathType: z.enum(['Prefix', 'Exact', 'ImplementationSpecific']).default('Prefix'),
  service: dns1035Label.optional(),
  port: portRef.optional(),
});

/** An Ingress (networking.k8s.io/v1), by default for the AWS Load Balancer Controller (`ingressClassName: alb`). */
export const ingress = z.strictObject({
  className: dns1123Subdomain.default('alb'),
  /** Host names; none means any host. Each host gets the same paths. */
  hosts: z.array(host).default([]),
  paths: z
    .array(ingressPath)
    .min(1)
    .prefault([{ path: '/' }]),
  alb: alb.prefault({}),
  /** More annotations, for anything the typed options do not cover. */
  annotations: annotations.optional(),
});
