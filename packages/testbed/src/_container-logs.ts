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
  readonly state?: {
    readonly waiting?: { readonly reason?: string };
    readonly running?: object;
    readonly terminated?: object;
  };
  readonly lastState?: { readonly terminated?: object };
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
  IMAGE_MARKERS.exit0,
  IMAGE_MARKERS.neverReady,
  IMAGE_MARKERS.slowReady,
] as const;

function linesFor(image: string): string[] {
  const marker = BEHAVIOUR_ORDER.find((m) => image.includes(m));
  const start = [`starting ${image}`];
  switch (marker) {
    case IMAGE_MARKERS.crashLoop:
      return [...start, 'connecting to database at db:5432', MARKER_LAST_LOG_LINES.crashloop];
    case IMAGE_MARKERS.oomKilled:
      return [...start, 'allocating the cache: 2048 MiB', MARKER_LAST_LOG_LINES.oomkilled];
    case IMAGE_MARKERS.exit1:
      return [...start, 'running job', MARKER_LAST_LOG_LINES.exit1];
    case IMAGE_MARKERS.exit0:
      return [...start, 'running job', MARKER_LAST_LOG_LINES.exit0];
    case IMAGE_MARKERS.neverReady:
      return [...start, 'listening on :8080', MARKER_LAST_LOG_LINES.neverready];
    default:
      return [...start, 'configuration loaded', MARKER_LAST_LOG_LINES.healthy];
  }
}

/**
 * What the kubelet answers for one container's log: lines chosen by the container's image marker
 * (or the pod's `logs.testbed.kubeship.dev/<container>` annotation), the refusals a real kubelet
 * gives for a container that never started or has no previous instance, and the tail/limit options.
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
  let lines = custom === undefined ? linesFor(spec.image ?? '') : custom.replace(/\n$/, '').split('\n');
  const startedAt = Date.parse(pod.status?.startTime ?? '') || 0;
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
