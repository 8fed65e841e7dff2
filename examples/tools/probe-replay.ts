// Replays the probes of a rendered pod spec, and the commands of rendered hook Jobs, against an
// application running on this machine, the way the kubelet runs them:
//   - httpGet: GET <scheme>://<host>:<port><path> with the probe's headers (and the kubelet's
//     `User-Agent: kube-probe/<version>` and `Accept: */*` unless the probe sets them), no cookies,
//     TLS not verified; redirects to the same host name are followed (at most 10), a redirect to
//     another host ends the probe with that redirect's status; success iff 200 <= status < 400;
//   - tcpSocket: a TCP connection opens within the timeout;
//   - exec: the command exits 0 within the timeout;
// each bounded by the probe's timeoutSeconds (default 1, as the kubelet's). A container port is
// named or numbered as in the pod spec and mapped to where the application listens here.
//
// Commands (exec probes, hook Jobs) run here with the container's literal env, the Secret values
// the caller gives for secretKeyRef entries, and the Service variables the kubelet adds for the
// Services of the namespace (<NAME>_SERVICE_HOST, <NAME>_SERVICE_PORT); paths inside the image are
// rewritten to where the example's files are on this machine (`imagePaths`).
import { spawn } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

/** The Kubernetes version the kubelet's User-Agent names. */
export const KUBELET_VERSION = '1.35';

/** A probe of a container, as rendered. */
export interface RenderedProbe {
  readonly httpGet?: {
    readonly path?: string;
    readonly port: number | string;
    readonly host?: string;
    readonly scheme?: string;
    readonly httpHeaders?: readonly { readonly name: string; readonly value: string }[];
  };
  readonly tcpSocket?: { readonly port: number | string; readonly host?: string };
  readonly exec?: { readonly command: readonly string[] };
  readonly grpc?: { readonly port: number };
  readonly timeoutSeconds?: number;
}

/** An env entry of a container, as rendered. */
export interface RenderedEnv {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}

/** A container, as rendered. */
export interface RenderedContainer {
  readonly name: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly env?: readonly RenderedEnv[];
  readonly readinessProbe?: RenderedProbe;
  readonly livenessProbe?: RenderedProbe;
  readonly startupProbe?: RenderedProbe;
}

/** A rendered object (only what the replay reads). */
export interface RenderedObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly annotations?: Readonly<Record<string, string>> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered Kubernetes objects of any kind
  readonly spec?: any;
}

/** Where the pod's ports are served on this machine. */
export interface ReplayTarget {
  /** The address that stands in for the pod IP (default 127.0.0.1). */
  readonly host?: string;
  /** Container port number -> the local port the application listens on. */
  readonly ports: Readonly<Record<number, number>>;
}

/** How commands run here. */
export interface CommandTarget {
  /** Image path prefix -> local path, applied to every argument that starts with it. */
  readonly imagePaths?: Readonly<Record<string, string>>;
  /** `<secret>/<key>` -> value, for secretKeyRef env entries. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Service name -> where it is served here, for the kubelet's service variables. */
  readonly services?: Readonly<Record<string, { readonly host: string; readonly port: number }>>;
  /** Added last (e.g. PATH). */
  readonly env?: NodeJS.ProcessEnv;
}

/** One replayed probe or command. */
export interface ReplayResult {
  readonly container: string;
  readonly kind: 'startup' | 'readiness' | 'liveness' | 'command';
  readonly success: boolean;
  /** What happened, e.g. `GET /wp-login.php -> 302 /wp-admin/install.php -> 403`. */
  readonly detail: string;
}

/** A probe or pod spec the kubelet would run but this replay cannot. */
export class ProbeReplayError extends Error {
  override readonly name = 'ProbeReplayError';
}

const PROBE_KINDS = [
  ['startup', 'startupProbe'],
  ['readiness', 'readinessProbe'],
  ['liveness', 'livenessProbe'],
] as const;
const MAX_REDIRECTS = 10;
const BODY_LIMIT = 10 * 1024;

/** The pod spec of a rendered Deployment, StatefulSet, DaemonSet, Job or Pod. */
export function podSpecOf(object: RenderedObject): { containers: RenderedContainer[] } {
  const spec = object.kind === 'Pod' ? object.spec : object.spec?.template?.spec;
  if (!spec?.containers) throw new ProbeReplayError(`${object.kind} ${object.metadata.name} has no pod spec`);
  return spec;
}

/** Resolves a probe's port (a number, or the name of a container port) to the local port. */
function localPort(port: number | string, container: RenderedContainer, target: ReplayTarget): number {
  const number =
    typeof port === 'number'
      ? port
      : /^\d+$/.test(port)
        ? Number(port)
        : container.ports?.find((p) => p.name === port)?.containerPort;
  if (number === undefined)
    throw new ProbeReplayError(`container ${container.name} has no port named ${String(port)}`);
  const local = target.ports[number];
  if (local === undefined)
    throw new ProbeReplayError(`container port ${number} of ${container.name} is not mapped to a local port`);
  return local;
}

/** One GET, body read up to the kubelet's 10 KiB, bounded by `deadline`. */
function getOnce(
  url: URL,
  headers: Record<string, string>,
  deadline: number,
): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      { method: 'GET', headers, rejectUnauthorized: false, timeout: Math.max(1, deadline - Date.now()) },
      (res: IncomingMessage) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > BODY_LIMIT) res.destroy();
        });
        res.on('close', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out (${url.pathname})`)));
    req.on('error', reject);
    req.end();
  });
}

async function httpProbe(
  probe: NonNullable<RenderedProbe['httpGet']>,
  container: RenderedContainer,
  target: ReplayTarget,
  timeoutMs: number,
): Promise<{ success: boolean; detail: string }> {
  const scheme = (probe.scheme ?? 'HTTP').toLowerCase();
  const host = probe.host || target.host || '127.0.0.1';
  let url = new URL(
    `${scheme}://${host}:${localPort(probe.port, container, target)}${probe.path?.startsWith('/') ? probe.path : `/${probe.path ?? ''}`}`,
  );
  const headers: Record<string, string> = {};
  for (const { name, value } of probe.httpHeaders ?? []) headers[name.toLowerCase()] = value;
  headers['user-agent'] ??= `kube-probe/${KUBELET_VERSION}`;
  headers.accept ??= '*/*';
  const deadline = Date.now() + timeoutMs;
  const first = url;
  const steps: string[] = [`GET ${url.pathname}${url.search}`];
  try {
    for (let redirects = 0; ; redirects++) {
      const { status, location } = await getOnce(url, headers, deadline);
      steps.push(String(status));
      if (status < 300 || status >= 400 || location === undefined) {
        return { success: status >= 200 && status < 400, detail: steps.join(' -> ') };
      }
      const next = new URL(location, url);
      // the kubelet compares with the first request's host name (the port may differ)
      if (next.hostname !== first.hostname) {
        steps.push(`(redirect to ${next.host} not followed)`);
        return { success: true, detail: steps.join(' -> ') };
      }
      if (redirects + 1 >= MAX_REDIRECTS) {
        return {
          success: false,
          detail: `${steps.join(' -> ')} -> stopped after ${MAX_REDIRECTS} redirects`,
        };
      }
      steps.push(`${next.pathname}${next.search}`);
      url = next;
    }
  } catch (error) {
    return { success: false, detail: `${steps.join(' -> ')} -> ${(error as Error).message}` };
  }
}

function tcpProbe(
  port: number,
  host: string,
  timeoutMs: number,
): Promise<{ success: boolean; detail: string }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, timeout: timeoutMs });
    const done = (success: boolean, why: string) => {
      socket.destroy();
      resolve({ success, detail: `TCP ${host}:${port} ${why}` });
    };
    socket.on('connect', () => done(true, 'open'));
    socket.on('timeout', () => done(false, 'timed out'));
    socket.on('error', (error) => done(false, error.message));
  });
}

/** The environment a command of `container` runs with here. */
export function commandEnv(container: RenderedContainer, target: CommandTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, service] of Object.entries(target.services ?? {})) {
    const prefix = name.toUpperCase().replaceAll('-', '_');
    env[`${prefix}_SERVICE_HOST`] = service.host;
    env[`${prefix}_SERVICE_PORT`] = String(service.port);
  }
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
    const ref = entry.valueFrom?.secretKeyRef;
    if (ref) {
      const value = target.secrets?.[`${ref.name}/${ref.key}`];
      if (value === undefined)
        throw new ProbeReplayError(`no value given for ${entry.name} (Secret ${ref.name}, key ${ref.key})`);
      env[entry.name] = value;
    }
  }
  return { ...env, ...target.env };
}

/** Runs `argv` as the kubelet runs an exec probe or a Job's container, here. */
export function runCommand(
  argv: readonly string[],
  container: RenderedContainer,
  target: CommandTarget,
  timeoutMs: number,
): Promise<{ success: boolean; detail: string; output: string }> {
  const rewrite = (arg: string) => {
    for (const [from, to] of Object.entries(target.imagePaths ?? {})) {
      if (arg.startsWith(from)) return `${to}${arg.slice(from.length)}`;
    }
    return arg;
  };
  const [command, ...args] = argv.map(rewrite);
  if (!command) throw new ProbeReplayError(`container ${container.name} has no command to run`);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: commandEnv(container, target),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ success: false, detail: `${argv.join(' ')}: ${error.message}`, output });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ success: code === 0, detail: `${argv.join(' ')}: exit ${code ?? signal}`, output });
    });
  });
}

/** Runs one probe of `container` once, as the kubelet would. */
export async function replayProbe(
  probe: RenderedProbe,
  container: RenderedContainer,
  target: ReplayTarget & CommandTarget,
): Promise<{ success: boolean; detail: string }> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) return httpProbe(probe.httpGet, container, target, timeoutMs);
  if (probe.tcpSocket) {
    const host = probe.tcpSocket.host || target.host || '127.0.0.1';
    return tcpProbe(localPort(probe.tcpSocket.port, container, target), host, timeoutMs);
  }
  if (probe.exec) return runCommand(probe.exec.command, container, target, timeoutMs);
  throw new ProbeReplayError(`a probe of ${container.name} has no httpGet, tcpSocket or exec to replay`);
}

/** Runs every startup, readiness and liveness probe of every container of `object`'s pod spec once. */
export async function replayPodProbes(
  object: RenderedObject,
  target: ReplayTarget & CommandTarget,
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const container of podSpecOf(object).containers) {
    for (const [kind, field] of PROBE_KINDS) {
      const probe = container[field];
      if (probe)
        results.push({ container: container.name, kind, ...(await replayProbe(probe, container, target)) });
    }
  }
  return results;
}

/** Runs the container commands of a rendered hook Job (command + args) to the end, as its pod would. */
export async function runJob(
  job: RenderedObject,
  target: CommandTarget,
  timeoutMs = 120_000,
): Promise<ReplayResult & { output: string }> {
  const [container] = podSpecOf(job).containers;
  if (!container?.command) throw new ProbeReplayError(`Job ${job.metadata.name} has no command`);
  const result = await runCommand(
    [...container.command, ...(container.args ?? [])],
    container,
    target,
    timeoutMs,
  );
  return { container: container.name, kind: 'command', ...result };
}
