import { IMAGE_MARKERS, LOG_ANNOTATION_PREFIX, MARKER_LAST_LOG_LINES } from './markers.ts';

/** The parts of a pod the simulated kubelet reads to answer a log request. */
export interface PodForLogs {
  readonly metadata?: { readonly name?: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: {
    readonly containers?: ReadonlyArray<{ readonly name: string; readonly image?: string }>;
    readonly initContainers?: ReadonlyArray<{ readonly name: string; readonly image?: string }>;
  };
  readonly status?: {
    readonly startTime?: string;
    readonly containerStatuses?: readonly ContainerStatusForLogs[];
    readonly initContainerStatuses?: readonly ContainerStatusForLogs[];
  };
}

interface ContainerStatusForLogs {
  readonly name: string;
  readonly restartCount?: number;
  readonly state?: {
    readonly waiting?: { readonly reason?: string };
    readonly running?: { readonly startedAt?: string };
    readonly terminated?: { readonly startedAt?: string };
  };
  readonly lastState?: { readonly terminated?: { readonly startedAt?: string } };
}

/** Query options of the kubelet's `containerLogs` endpoint that the testbed honours. */
export interface LogOptions {
  readonly previous?: boolean;
  readonly tailLines?: number;
  readonly limitBytes?: number;
  readonly timestamps?: boolean;
}

/** The log text, or the kubelet's refusal (HTTP status and message). */
export type LogAnswer = { readonly text: string } | { readonly status: number; readonly message: string };

const BEHAVIOUR_ORDER = [
  IMAGE_MARKERS.imagePullBackOff,
  IMAGE_MARKERS.oomKilled,
  IMAGE_MARKERS.exit1,
  IMAGE_MARKERS.crashLoop,
  IMAGE_MARKERS.crashAfter,
  IMAGE_MARKERS.livenessFail,
  IMAGE_MARKERS.startupFail,
  IMAGE_MARKERS.exit0,
  IMAGE_MARKERS.neverReady,
  IMAGE_MARKERS.slowReady,
] as const;

/** The lines of one instance of a container (instance 0 is the first start, n the n-th restart). */
function linesFor(image: string, instance: number): string[] {
  const marker = BEHAVIOUR_ORDER.find((m) => image.includes(m));
  const start = [instance === 0 ? `starting ${image}` : `starting ${image} (restart ${instance})`];
  switch (marker) {
    case IMAGE_MARKERS.crashLoop:
    case IMAGE_MARKERS.crashAfter:
      return [...start, 'connecting to database at db:5432', MARKER_LAST_LOG_LINES.crashloop];
    case IMAGE_MARKERS.oomKilled:
      return [...start, 'allocating the cache: 2048 MiB', MARKER_LAST_LOG_LINES.oomkilled];
    case IMAGE_MARKERS.exit1:
      return [...start, 'running job', MARKER_LAST_LOG_LINES.exit1];
    case IMAGE_MARKERS.exit0:
      return [...start, 'running job', MARKER_LAST_LOG_LINES.exit0];
    case IMAGE_MARKERS.livenessFail:
      return [...start, 'listening on :8080', MARKER_LAST_LOG_LINES.livenessfail];
    case IMAGE_MARKERS.startupFail:
      return [...start, 'loading the cache', MARKER_LAST_LOG_LINES.startupfail];
    case IMAGE_MARKERS.neverReady:
      return [...start, 'listening on :8080', MARKER_LAST_LOG_LINES.neverready];
    default:
      return [...start, 'configuration loaded', MARKER_LAST_LOG_LINES.healthy];
  }
}

/**
 * What the kubelet answers for one container's log: the lines of its current instance (number
 * `restartCount`; with `previous`, the one before), chosen by the container's image marker (or the
 * pod's `logs.testbed.kubeship.dev/<container>` annotation), the refusals a real kubelet gives for a
 * container that never started or has no previous instance, and the tail/limit options.
 */
export function containerLog(pod: PodForLogs, container: string, options: LogOptions = {}): LogAnswer {
  const podName = pod.metadata?.name ?? '';
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find(
    (c) => c.name === container,
  );
  if (!spec) return { status: 400, message: `container ${container} is not valid for pod ${podName}` };
  const status = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ].find((s) => s.name === container);
  const hasRun = status?.state?.running || status?.state?.terminated || status?.lastState?.terminated;
  if (options.previous && !status?.lastState?.terminated) {
    return {
      status: 400,
      message: `previous terminated container "${container}" in pod "${podName}" not found`,
    };
  }
  if (!hasRun) {
    const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
    return {
      status: 400,
      message: `container "${container}" in pod "${podName}" is waiting to start: ${reason}`,
    };
  }
  const custom = pod.metadata?.annotations?.[`${LOG_ANNOTATION_PREFIX}${container}`];
  const instance = (status?.restartCount ?? 0) - (options.previous ? 1 : 0);
  let lines =
    custom === undefined ? linesFor(spec.image ?? '', instance) : custom.replace(/\n$/, '').split('\n');
  const instanceStart = options.previous
    ? status?.lastState?.terminated?.startedAt
    : (status?.state?.running?.startedAt ?? status?.state?.terminated?.startedAt);
  const startedAt = Date.parse(instanceStart ?? pod.status?.startTime ?? '') || 0;
  if (options.timestamps) {
    lines = lines.map(
      (line, i) => `${new Date(startedAt + i).toISOString().replace('Z', '000000Z')} ${line}`,
    );
  }
  if (options.tailLines !== undefined) lines = options.tailLines === 0 ? [] : lines.slice(-options.tailLines);
  let text = lines.map((line) => `${line}\n`).join('');
  if (options.limitBytes !== undefined) text = Buffer.from(text).subarray(0, options.limitBytes).toString();
  return { text };
}
