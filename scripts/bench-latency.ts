// `./dev bench --only latency`: how long after the cluster shows a release is doomed does each
// tool say so. For every failure class kubeship claims to catch, a fresh namespace gets the
// release; a watch in this process records the first moment the API served the decisive status
// (the CrashLoopBackOff after the second exit, the FailedCreate condition, the Job's Failed
// condition, ...) and kubeship's JSON report gives the moment its verdict was emitted
// (`rollout-failed` / `rollout-timeout` events carry `at`). The difference is kubeship's own
// latency. `kubectl rollout status` and `helm upgrade --wait` get the same release in their own
// namespaces (first round only: they mostly wait for a deadline) where they detect the class at all.
//
// The testbed's kubelet runs on a real kubelet's clock here: no faster clock, ever.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  crashAfter,
  IMAGE_MARKERS,
  type NamespaceObjects,
  type TestbedInfo,
  watchForSignal,
} from '../packages/testbed/src/index.ts';

const REPOSITORY = 'registry.local/latency';
/** The Deployments' progress deadline: what kubectl rollout status and Helm wait for. */
const PROGRESS_DEADLINE_S = 20;
/** kubeship's grace for unschedulable pods in this bench (a cluster autoscaler would add a node meanwhile). */
const UNSCHEDULABLE_GRACE_S = 10;
const TOOL_TIMEOUT_S = 45;

type Workload = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';

/** One failure class: the release that shows it, and the status that makes it decisive. */
interface FailureClass {
  readonly name: string;
  readonly workload: Workload;
  readonly tag: string;
  readonly container?: object;
  readonly decisive: (objects: NamespaceObjects) => string | undefined;
  /** The decisive status in words, for the table. */
  readonly signal: string;
  /** A deliberate wait after the decisive status, and why. */
  readonly grace?: { readonly ms: number; readonly why: string };
  /** Makes the namespace refuse pods before the release comes. */
  readonly prepare?: (namespace: string, kubectl: Kubectl) => Promise<void>;
}

type Kubectl = (args: readonly string[], input?: string) => Promise<string>;

const containers = (objects: NamespaceObjects) =>
  objects.pods.flatMap((pod) =>
    [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map((c) => ({
      pod: pod.metadata?.name ?? '',
      c,
    })),
  );
const crashLoopBackOff = (objects: NamespaceObjects) => {
  const found = containers(objects).find(({ c }) => c.state?.waiting?.reason === 'CrashLoopBackOff');
  return found ? `CrashLoopBackOff of ${found.pod} (restartCount ${found.c.restartCount})` : undefined;
};
const failedCreate = (objects: NamespaceObjects) => {
  const rs = objects.replicaSets.find((r) =>
    r.status?.conditions?.some((c) => c.type === 'ReplicaFailure' && c.status === 'True'),
  );
  return rs ? `ReplicaFailure of ${rs.metadata?.name}` : undefined;
};

const CRASH_LOOP = { decisive: crashLoopBackOff, signal: 'first `CrashLoopBackOff` (after the second exit)' };
const FAILED_CREATE = { decisive: failedCreate, signal: '`ReplicaFailure=True` (FailedCreate)' };

const CLASSES: readonly FailureClass[] = [
  {
    name: 'crash loop (crash at start)',
    workload: 'Deployment',
    tag: IMAGE_MARKERS.crashLoop,
    ...CRASH_LOOP,
  },
  { name: 'crash loop (crash 3 s after start)', workload: 'Deployment', tag: crashAfter(3), ...CRASH_LOOP },
  {
    name: 'image pull failure (not found)',
    workload: 'Deployment',
    tag: IMAGE_MARKERS.imagePullBackOff,
    signal: 'first `ErrImagePull` ("not found")',
    decisive: (objects) => {
      const found = containers(objects).find(({ c }) => c.state?.waiting?.reason === 'ErrImagePull');
      return found ? `ErrImagePull of ${found.pod}` : undefined;
    },
  },
  { name: 'OOMKilled', workload: 'Deployment', tag: IMAGE_MARKERS.oomKilled, ...CRASH_LOOP },
  {
    name: 'liveness kill loop (period 1 s, threshold 2)',
    workload: 'Deployment',
    tag: IMAGE_MARKERS.livenessFail,
    container: {
      ports: [{ containerPort: 8080 }],
      livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1, failureThreshold: 2 },
    },
    ...CRASH_LOOP,
  },
  {
    name: 'FailedCreate (quota)',
    workload: 'Deployment',
    tag: '1',
    ...FAILED_CREATE,
    prepare: async (namespace, kubectl) => {
      await kubectl(['create', 'quota', 'no-pods', '--hard=pods=0', '-n', namespace]);
      await kubectl([
        'wait',
        '-n',
        namespace,
        '--for=jsonpath={.status.hard.pods}=0',
        'resourcequota/no-pods',
      ]);
    },
  },
  {
    name: 'FailedCreate (Pod Security)',
    workload: 'Deployment',
    tag: '1',
    ...FAILED_CREATE,
    prepare: async (namespace, kubectl) => {
      await kubectl(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
    },
  },
  {
    name: `unschedulable (${UNSCHEDULABLE_GRACE_S} s grace)`,
    workload: 'Deployment',
    tag: IMAGE_MARKERS.unschedulable,
    grace: {
      ms: UNSCHEDULABLE_GRACE_S * 1000,
      why: 'a cluster autoscaler (Karpenter, node groups) may add a node for the pod',
    },
    signal: '`PodScheduled=False` (Unschedulable)',
    decisive: (objects) => {
      const pod = objects.pods.find((p) =>
        p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'),
      );
      return pod ? `Unschedulable ${pod.metadata?.name}` : undefined;
    },
  },
  {
    name: 'failing Job (backoffLimit 0)',
    workload: 'Job',
    tag: IMAGE_MARKERS.exit1,
    signal: 'Job `FailureTarget`/`Failed` condition',
    decisive: (objects) => {
      const job = objects.jobs.find((j) =>
        j.status?.conditions?.some(
          (c) => (c.type === 'FailureTarget' || c.type === 'Failed') && c.status === 'True',
        ),
      );
      return job ? `Job ${job.metadata?.name} failed` : undefined;
    },
  },
  { name: 'StatefulSet crash loop', workload: 'StatefulSet', tag: IMAGE_MARKERS.crashLoop, ...CRASH_LOOP },
  { name: 'DaemonSet crash loop', workload: 'DaemonSet', tag: IMAGE_MARKERS.crashLoop, ...CRASH_LOOP },
  {
    name: `never ready (progress deadline ${PROGRESS_DEADLINE_S} s)`,
    workload: 'Deployment',
    tag: IMAGE_MARKERS.neverReady,
    signal: '`Progressing=False` (ProgressDeadlineExceeded)',
    decisive: (objects) => {
      const d = objects.deployments.find((x) =>
        x.status?.conditions?.some(
          (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
        ),
      );
      return d ? `ProgressDeadlineExceeded of ${d.metadata?.name}` : undefined;
    },
  },
];

/** The release of one class: its workload, in the YAML every tool reads. */
function releaseYaml(failure: FailureClass): string {
  const labels = { app: 'web' };
  const container = { name: 'web', image: `${REPOSITORY}:${failure.tag}`, ...failure.container };
  const pod = { metadata: { labels }, spec: { containers: [container] } };
  const selector = { matchLabels: labels };
  const bodies: Record<Workload, object> = {
    Deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels },
      spec: { replicas: 1, progressDeadlineSeconds: PROGRESS_DEADLINE_S, selector, template: pod },
    },
    StatefulSet: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web', labels },
      spec: { replicas: 1, serviceName: 'web', selector, template: pod },
    },
    DaemonSet: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'web', labels },
      spec: { selector, template: pod },
    },
    Job: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'web', labels },
      spec: { backoffLimit: 0, template: { ...pod, spec: { ...pod.spec, restartPolicy: 'Never' } } },
    },
  };
  return `# ${failure.workload}\n${JSON.stringify(bodies[failure.workload])}\n`;
}

interface Exit {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly endedAt: number;
}

function exec(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  input?: string,
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, endedAt: Date.now() }));
    child.stdin.end(input ?? '');
  });
}

/** The moment kubeship's verdict was emitted: its first rollout-failed or rollout-timeout event. */
function verdictAt(stdout: string): { at: number; what: string } | undefined {
  try {
    const report = JSON.parse(stdout) as { events: Array<{ type: string; at: number; reason?: string }> };
    const verdict = report.events.find((e) => e.type === 'rollout-failed' || e.type === 'rollout-timeout');
    return verdict ? { at: verdict.at, what: verdict.reason ?? verdict.type } : undefined;
  } catch {
    return undefined;
  }
}

/** One tool's detection of one class: ms after the decisive status (less the grace), or why none. */
type Detection = { readonly ms: number; readonly what: string } | { readonly none: string };

export interface LatencyBenchInput {
  readonly testbed: TestbedInfo;
  /** PATH with kubectl and helm, KUBECONFIG, AWS_* of the testbed. */
  readonly env: NodeJS.ProcessEnv;
  /** The kubeship CLI (bin.js). */
  readonly bin: string;
  readonly helm: string;
  readonly rounds: number;
  readonly work: string;
}

/** Runs every class `rounds` times and returns the markdown table of the medians. */
export async function latencyBench(input: LatencyBenchInput): Promise<string> {
  const { testbed, env } = input;
  const kubectl: Kubectl = async (args, stdin) => {
    const result = await exec('kubectl', args, env, input.work, stdin);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  let serial = 0;

  /** A namespace with the class's release file and whatever must refuse pods; the signal watch running. */
  const prepare = async (failure: FailureClass, tool: string) => {
    const namespace = `lat-${tool}-${++serial}`;
    const dir = join(input.work, namespace);
    mkdirSync(join(dir, 'templates'), { recursive: true });
    await kubectl(['create', 'namespace', namespace]);
    await failure.prepare?.(namespace, kubectl);
    const file = join(dir, tool === 'helm' ? 'templates/app.yaml' : 'app.yaml');
    writeFileSync(file, releaseYaml(failure));
    const watcher = watchForSignal(testbed.adminKubeconfig, namespace, failure.decisive);
    return { namespace, dir, file, watcher };
  };
  const remove = (namespace: string) =>
    exec('kubectl', ['delete', 'namespace', namespace, '--wait=false'], env, input.work);

  /** Waits (bounded) for the decisive status once the tool is done, and measures against it. */
  const against = async (
    watcher: ReturnType<typeof watchForSignal>,
    detectedAt: number | undefined,
    what: string,
    graceMs = 0,
  ): Promise<Detection> => {
    const signal = await Promise.race([
      watcher.signal,
      new Promise<undefined>((resolve) => setTimeout(resolve, 5000)),
    ]);
    watcher.stop();
    if (detectedAt === undefined) return { none: what };
    if (!signal) return { none: `the cluster never showed the decisive status (the tool said: ${what})` };
    return { ms: detectedAt - signal.at - graceMs, what };
  };

  const kubeship = async (failure: FailureClass): Promise<Detection> => {
    const target = await prepare(failure, 'kubeship');
    writeFileSync(
      join(target.dir, 'kubeship.config.json'),
      JSON.stringify({
        templates: { files: ['app.yaml'], name: 'web', imageRepository: REPOSITORY },
        environments: {
          bench: {
            cluster: { name: testbed.clusterName, region: testbed.region },
            namespace: target.namespace,
            timeoutSeconds: 90,
            unschedulableGraceSeconds: UNSCHEDULABLE_GRACE_S,
          },
        },
      }),
    );
    const run = await exec(
      process.execPath,
      [input.bin, 'deploy', '--env', 'bench', '--image', `${REPOSITORY}:${failure.tag}`, '--output', 'json'],
      env,
      target.dir,
    );
    const verdict = verdictAt(run.stdout);
    // kubeship's own latency: less the grace it keeps on purpose (the other tools keep none)
    const detection = await against(
      target.watcher,
      verdict?.at,
      verdict?.what ?? `no verdict (exit ${run.code}): ${run.stderr.split('\n').slice(-3).join(' ')}`,
      failure.grace?.ms,
    );
    await remove(target.namespace);
    return detection;
  };

  /** kubectl apply + rollout status, or helm upgrade --install --wait: detected when it exits non-zero. */
  const other = async (failure: FailureClass, tool: 'kubectl' | 'helm'): Promise<Detection> => {
    const target = await prepare(failure, tool);
    let run: Exit;
    if (tool === 'kubectl') {
      if (failure.workload === 'Job') {
        target.watcher.stop();
        await remove(target.namespace);
        return { none: 'rollout status does not take Jobs' };
      }
      await kubectl(['apply', '-n', target.namespace, '-f', target.file]);
      run = await exec(
        'kubectl',
        [
          'rollout',
          'status',
          '-n',
          target.namespace,
          `${failure.workload.toLowerCase()}/web`,
          `--timeout=${TOOL_TIMEOUT_S}s`,
        ],
        env,
        input.work,
      );
    } else {
      writeFileSync(join(target.dir, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
      run = await exec(
        input.helm,
        [
          'upgrade',
          '--install',
          'web',
          target.dir,
          '-n',
          target.namespace,
          '--wait',
          '--timeout',
          `${TOOL_TIMEOUT_S}s`,
        ],
        env,
        input.work,
      );
    }
    const timedOut = /timed out|context deadline exceeded|timeout/i.test(run.stderr + run.stdout);
    const detection = await against(
      target.watcher,
      run.code !== 0 && !timedOut ? run.endedAt : undefined,
      run.code === 0
        ? 'reported success'
        : timedOut
          ? `waited out its ${TOOL_TIMEOUT_S} s timeout`
          : (run.stderr.trim().split('\n').at(-1) ?? ''),
    );
    await remove(target.namespace);
    return detection;
  };

  const results = new Map<string, { kubeship: Detection[]; kubectl?: Detection; helm?: Detection }>();
  for (let round = 0; round < input.rounds; round++) {
    for (const failure of CLASSES) {
      const entry = results.get(failure.name) ?? { kubeship: [] };
      results.set(failure.name, entry);
      const detection = await kubeship(failure);
      entry.kubeship.push(detection);
      console.error(`[bench latency] round ${round + 1} ${failure.name}: kubeship ${describe(detection)}`);
      if (round === 0) {
        [entry.kubectl, entry.helm] = await Promise.all([other(failure, 'kubectl'), other(failure, 'helm')]);
        console.error(`[bench latency]   kubectl ${describe(entry.kubectl)}; helm ${describe(entry.helm)}`);
      }
    }
  }
  return table(results, input.rounds);
}

const describe = (d: Detection | undefined) =>
  !d ? '-' : 'none' in d ? `not detected: ${d.none}` : `${(d.ms / 1000).toFixed(2)} s (${d.what})`;

function median(numbers: readonly number[]): number | undefined {
  if (numbers.length === 0) return undefined;
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function table(
  results: Map<string, { kubeship: Detection[]; kubectl?: Detection; helm?: Detection }>,
  rounds: number,
): string {
  const cell = (d: Detection | undefined) =>
    !d ? '-' : 'none' in d ? `no: ${d.none}` : `+${(d.ms / 1000).toFixed(1)} s`;
  const lines = [
    `Detection latency: ${new Date().toISOString().slice(0, 10)}; the testbed's kubelet on a real kubelet's clock (relist 1 s, back-off 10 s); kubeship: median of ${rounds} rounds (verdict event minus the first watch event carrying the decisive status, less any deliberate grace); kubectl rollout status and helm --wait: first round, progress deadline ${PROGRESS_DEADLINE_S} s, timeout ${TOOL_TIMEOUT_S} s`,
    '',
    "| failure class | decisive status (the cluster's signal) | kubeship own latency (median, min-max) | kubectl rollout status | helm --wait |",
    '|---|---|---|---|---|',
  ];
  for (const failure of CLASSES) {
    const entry = results.get(failure.name);
    if (!entry) continue;
    const measured = entry.kubeship.flatMap((d) => ('ms' in d ? [d.ms] : []));
    const m = median(measured);
    const missed = entry.kubeship.find((d) => 'none' in d);
    const kubeshipCell =
      m === undefined
        ? cell(missed)
        : `${(m / 1000).toFixed(2)} s (${(Math.min(...measured) / 1000).toFixed(2)}-${(Math.max(...measured) / 1000).toFixed(2)})${missed ? `; ${entry.kubeship.length - measured.length} missed` : ''}${failure.grace ? `, after a ${failure.grace.ms / 1000} s grace: ${failure.grace.why}` : ''}`;
    lines.push(
      `| ${failure.name} | ${failure.signal} | ${kubeshipCell} | ${cell(entry.kubectl)} | ${cell(entry.helm)} |`,
    );
  }
  return lines.join('\n');
}
