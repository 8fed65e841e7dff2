import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { kubeApi } from '../apply/_kube-api.ts';
import type { Clock } from '../clock.ts';
import { watchCollections } from '../rollout/_cluster-watch.ts';

const JOB_NAME_LABELS = ['batch.kubernetes.io/job-name', 'job-name'];
/** How long stopping waits for followed logs to reach their end before cutting them off. */
const DRAIN_MS = 3_000;

/** A line a hook's container logged. */
export interface JobLogLine {
  readonly pod: string;
  readonly container: string;
  readonly line: string;
}

/** Following a Job's logs; `stop` waits (bounded) for the streams to end, then closes them. */
export interface JobLogStream {
  stop(): Promise<void>;
}

/**
 * Follows the logs of every container of a Job's pods as they start (each restart of a container
 * is followed again), calling `onLine` for each complete line, so a migration's output appears in
 * the build log while it runs. Log trouble never fails the hook: the Job rule judges it.
 */
export async function followJobLogs(
  kc: k8s.KubeConfig,
  options: {
    readonly namespace: string;
    readonly job: string;
    readonly clock: Clock;
    readonly onLine: (line: JobLogLine) => void;
  },
): Promise<JobLogStream> {
  const logs = new k8s.Log(kc);
  const pods = { apiVersion: 'v1', kind: 'Pod', namespace: options.namespace };
  const watch = await watchCollections(kc, [pods], options.clock);
  const followed = new Map<string, { done: Promise<void>; abort?: AbortController }>();

  const follow = (pod: string, container: string) => {
    let rest = '';
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const emit = (text: string) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) options.onLine({ pod, container, line: line.replace(/\r$/, '') });
    };
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        emit(chunk.toString('utf8'));
        callback();
      },
      final(callback) {
        if (rest) options.onLine({ pod, container, line: rest });
        rest = '';
        finish();
        callback();
      },
    });
    sink.on('error', finish);
    sink.on('close', finish);
    const entry: { done: Promise<void>; abort?: AbortController } = { done };
    logs.log(options.namespace, pod, container, sink, { follow: true }).then(
      (abort) => {
        entry.abort = abort;
      },
      () => finish(),
    );
    return entry;
  };

  const scan = (seen: readonly k8s.V1Pod[]) => {
    for (const pod of seen) {
      const labels = pod.metadata?.labels ?? {};
      if (!JOB_NAME_LABELS.some((label) => labels[label] === options.job)) continue;
      const name = pod.metadata?.name ?? '';
      const statuses = [
        ...(pod.status?.initContainerStatuses ?? []),
        ...(pod.status?.containerStatuses ?? []),
      ];
      for (const status of statuses) {
        if (!status.state?.running && !status.state?.terminated) continue;
        const key = `${name}/${status.name}/${status.restartCount}`;
        if (!followed.has(key)) followed.set(key, follow(name, status.name));
      }
    }
  };
  const fromWatch = () => scan(watch.list(pods) as k8s.V1Pod[]);
  const unsubscribe = watch.subscribe(fromWatch);
  fromWatch();

  return {
    async stop() {
      unsubscribe();
      // the Job may have ended before this watch saw its pods: read them once more
      const now = await kubeApi(kc)
        .core.listNamespacedPod({
          namespace: options.namespace,
          labelSelector: `${JOB_NAME_LABELS[0]}=${options.job}`,
        })
        .then(
          (list) => list.items,
          () => [],
        );
      scan(now);
      await Promise.race([
        Promise.all([...followed.values()].map((f) => f.done)),
        new Promise<void>((resolve) => options.clock.schedule(resolve, DRAIN_MS)),
      ]);
      for (const entry of followed.values()) entry.abort?.abort();
      await watch.stop();
    },
  };
}
