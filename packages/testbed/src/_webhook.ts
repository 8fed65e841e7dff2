import { timingSafeEqual } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { type KnownCredentials, verifyEksToken } from './_eks-token.ts';
import { listenOnLoopback } from './_https.ts';
import type { CertifiedKey } from './_pki.ts';
import { UNSCHEDULABLE_NODE_LABEL } from './markers.ts';

/** What an access entry grants: the Kubernetes user and groups a principal maps to. */
export interface AccessEntry {
  readonly username: string;
  readonly groups: readonly string[];
}

/** The testbed's HTTPS server: EKS token webhook, pod admission webhook, and its admin API. */
export interface WebhookServer {
  readonly port: number;
  close(): Promise<void>;
}

interface State {
  credentials: Map<string, KnownCredentials>;
  accessEntries: Map<string, AccessEntry>;
}

const MAX_BODY_BYTES = 1 << 20;

/**
 * Starts the webhook on 127.0.0.1. `adminToken` guards `/admin/*`; `log` receives one line per
 * decision (never a token).
 */
export async function startWebhook(options: {
  tls: CertifiedKey;
  clusterName: string;
  region: string;
  adminToken: string;
  logFile: string;
  initialCredentials: readonly KnownCredentials[];
  now?: () => Date;
}): Promise<WebhookServer> {
  const state: State = {
    credentials: new Map(options.initialCredentials.map((c) => [c.accessKeyId, c])),
    accessEntries: new Map(),
  };
  const now = options.now ?? (() => new Date());
  const log = (line: string) => appendFileSync(options.logFile, `${new Date().toISOString()} ${line}\n`);

  const routes: Record<string, (body: unknown) => unknown> = {
    'POST /authenticate': (body) => authenticate(body, state, { ...options, now: now() }, log),
    'POST /mutate/pods': (body) => mutatePod(body),
    'PUT /admin/credentials': (body) => {
      const credentials = body as KnownCredentials;
      state.credentials.set(credentials.accessKeyId, credentials);
      return { ok: true };
    },
    'PUT /admin/access-entries': (body) => {
      const { principalArn, username, groups } = body as AccessEntry & { principalArn: string };
      state.accessEntries.set(principalArn, { username, groups });
      return { ok: true };
    },
    'DELETE /admin/access-entries': (body) => {
      state.accessEntries.delete((body as { principalArn: string }).principalArn);
      return { ok: true };
    },
  };

  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    handle(req, res, routes, options.adminToken).catch((error: unknown) => {
      log(`error ${String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  return listenOnLoopback(server);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: Record<string, (body: unknown) => unknown>,
  adminToken: string,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'https://localhost').pathname;
  const route = routes[`${req.method} ${path}`];
  if (!route) {
    res.writeHead(404).end();
    return;
  }
  if (path.startsWith('/admin/') && !bearerMatches(req.headers.authorization, adminToken)) {
    res.writeHead(403).end();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413).end();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    res.writeHead(400).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route(body)));
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface TokenReview {
  apiVersion?: string;
  spec?: { token?: string };
}

function authenticate(
  body: unknown,
  state: State,
  context: { clusterName: string; region: string; now: Date },
  log: (line: string) => void,
): unknown {
  const review = body as TokenReview;
  const respond = (status: object) => ({
    apiVersion: review.apiVersion ?? 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    status,
  });
  const verdict = verifyEksToken(review.spec?.token ?? '', {
    ...context,
    lookup: (accessKeyId) => state.credentials.get(accessKeyId),
  });
  if (!verdict.ok) {
    log(`deny: ${verdict.reason}`);
    return respond({ authenticated: false, error: verdict.reason });
  }
  const { identity } = verdict;
  const entry = state.accessEntries.get(identity.canonicalArn);
  if (!entry) {
    log(`deny: ${identity.canonicalArn} has no access entry`);
    return respond({ authenticated: false, error: `${identity.canonicalArn} has no access entry` });
  }
  const username = entry.username.replace('{{SessionName}}', identity.sessionName ?? '');
  log(`allow: ${identity.arn} as ${username} [${entry.groups.join(',')}]`);
  return respond({
    authenticated: true,
    user: {
      username,
      uid: `aws-iam-authenticator:${identity.accountId}:${identity.accessKeyId}`,
      groups: entry.groups,
      extra: {
        arn: [identity.arn],
        canonicalArn: [identity.canonicalArn],
        ...(identity.sessionName ? { sessionName: [identity.sessionName] } : {}),
        accessKeyId: [identity.accessKeyId],
      },
    },
  });
}

interface AdmissionReview {
  apiVersion?: string;
  request?: { uid?: string; object?: { spec?: { nodeSelector?: Record<string, string> } } };
}

/** Gives a pod that carries the unschedulable marker a node selector no node satisfies. */
function mutatePod(body: unknown): unknown {
  const review = body as AdmissionReview;
  const hasSelector = review.request?.object?.spec?.nodeSelector !== undefined;
  const label = UNSCHEDULABLE_NODE_LABEL.replace('~', '~0').replace('/', '~1');
  const patch = hasSelector
    ? [{ op: 'add', path: `/spec/nodeSelector/${label}`, value: 'true' }]
    : [{ op: 'add', path: '/spec/nodeSelector', value: { [UNSCHEDULABLE_NODE_LABEL]: 'true' } }];
  return {
    apiVersion: review.apiVersion ?? 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: {
      uid: review.request?.uid ?? '',
      allowed: true,
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
    },
  };
}
