import { stringify } from 'yaml';
import { IMAGE_MARKERS, READY_AFTER_ANNOTATION } from './markers.ts';

/** Timings of the simulated kubelet. */
export interface KwokTimings {
  readonly readyDelayMs: number;
  readonly slowReadyDelayMs: number;
  readonly crashLoopIntervalMs: number;
  /** The port of the testbed's kubelet endpoint (container logs), published in each node's status. */
  readonly kubeletPort: number;
}

type Expression = { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] };

const notDeleted: Expression = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
const phaseIn = (...phases: string[]): Expression => ({
  key: '.status.phase',
  operator: 'In',
  values: phases,
});
const noContainerStatuses: Expression = { key: '.status.containerStatuses', operator: 'DoesNotExist' };
/** True when any container or init container status satisfies the jq condition `test`. */
const anyStatus = (test: string): Expression => ({
  key: `[(.status.initContainerStatuses // [])[], (.status.containerStatuses // [])[]] | map(${test}) | any`,
  operator: 'In',
  values: ['true'],
});

// The order matters: a later marker wins over an earlier one when an image carries several.
const MARKER_PRECEDENCE = [
  IMAGE_MARKERS.slowReady,
  IMAGE_MARKERS.neverReady,
  IMAGE_MARKERS.exit0,
  IMAGE_MARKERS.crashLoop,
  IMAGE_MARKERS.exit1,
  IMAGE_MARKERS.oomKilled,
  IMAGE_MARKERS.imagePullBackOff,
] as const;

/** How a stopped container ended, by marker. */
const TERMINATION: Readonly<Record<string, { exitCode: number; reason: string }>> = {
  [IMAGE_MARKERS.crashLoop]: { exitCode: 1, reason: 'Error' },
  [IMAGE_MARKERS.exit1]: { exitCode: 1, reason: 'Error' },
  [IMAGE_MARKERS.oomKilled]: { exitCode: 137, reason: 'OOMKilled' },
  [IMAGE_MARKERS.exit0]: { exitCode: 0, reason: 'Completed' },
};

// A running container reports the digest it runs: the image's own digest, or a stable fake one.
const IMAGE_ID =
  '{{ if contains "@sha256:" .image }}{{ .image | Quote }}{{ else }}' +
  '{{ printf "%s@sha256:%s" (regexReplaceAll ":[^:/@]+$" .image "") (sha256sum .image) | Quote }}{{ end }}';

const addresses = `
{{ with NodeIPWith .spec.nodeName }}hostIP: {{ . | Quote }}{{ end }}
{{ with PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}podIP: {{ . | Quote }}{{ end }}`;

/** Template text that sets `$m` to the behaviour marker of the container in `.`. */
const markerOf = `{{ $m := "healthy" }}${MARKER_PRECEDENCE.map(
  (marker) => `{{ if contains "${marker}" .image }}{{ $m = "${marker}" }}{{ end }}`,
).join('')}`;

const base = (ready: boolean, started: boolean, restartCount = '0') =>
  `name: {{ .name | Quote }}, image: {{ .image | Quote }}, imageID: ${IMAGE_ID}, ready: ${ready}, started: ${started}, restartCount: ${restartCount}`;
const running = (ready: boolean) =>
  `- {${base(ready, true)}, state: {running: {startedAt: {{ $now | Quote }}}}}`;
const waitingFor = (reason: string, message: string) =>
  `- {${base(false, false)}, state: {waiting: {reason: ${reason}, message: ${message}}}}`;
const pullError = waitingFor(
  'ErrImagePull',
  '{{ printf "failed to pull and unpack image %q: not found" .image | Quote }}',
);
const terminatedAs = (field: 'state' | 'lastState', exitCode: string, reason: string) =>
  `${field}: {terminated: {exitCode: ${exitCode}, reason: ${reason}, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }}}}`;
/** Branches on `$m` for a container that stops; `$stop` = {exitCode, reason} of its marker. */
const stopLookup = `{{ $stop := get (dict ${Object.entries(TERMINATION)
  .map(([marker, t]) => `"${marker}" (dict "exitCode" ${t.exitCode} "reason" "${t.reason}")`)
  .join(' ')}) $m }}`;
const crashLooping = `- {${base(false, false, '1')}, state: {waiting: {reason: CrashLoopBackOff, message: {{ printf "back-off 10s restarting failed container=%s pod=%s" .name $pod | Quote }}}}, ${terminatedAs('lastState', '{{ $stop.exitCode }}', '{{ $stop.reason }}')}}`;
const stoppedForGood = `- {${base(false, false)}, ${terminatedAs('state', '{{ $stop.exitCode }}', '{{ $stop.reason }}')}}`;
const isStopping = `(has $m (list ${Object.keys(TERMINATION)
  .map((m) => `"${m}"`)
  .join(' ')}))`;

/**
 * The status a pod reaches once its node "started" it, computed per container (and init
 * container) from each one's image marker, with the kubelet's rules for the pod phase.
 */
const startedPodStatus = `{{ $now := Now }}{{ $pod := .metadata.name }}{{ $policy := or .spec.restartPolicy "Always" }}
{{ $blocked := false }}{{ $initFailed := false }}{{ $allReady := true }}
{{ $waiting := 0 }}{{ $running := 0 }}{{ $stopped := 0 }}{{ $succeeded := 0 }}
initContainerStatuses:
{{ range (or .spec.initContainers list) }}${markerOf}${stopLookup}{{ $sidecar := eq (or .restartPolicy "") "Always" }}
{{ if $blocked }}${waitingFor('PodInitializing', '""')}
{{ else if eq $m "${IMAGE_MARKERS.imagePullBackOff}" }}${pullError}{{ $blocked = true }}
{{ else if and ${isStopping} (ne $m "${IMAGE_MARKERS.exit0}") }}{{ $blocked = true }}{{ if and (eq $policy "Never") (not $sidecar) }}${stoppedForGood}{{ $initFailed = true }}{{ else }}${crashLooping}{{ end }}
{{ else if $sidecar }}{{ if eq $m "healthy" }}${running(true)}{{ else }}${running(false)}{{ $allReady = false }}{{ end }}
{{ else if eq $m "${IMAGE_MARKERS.neverReady}" }}${running(false)}{{ $blocked = true }}
{{ else }}- {${base(true, false)}, ${terminatedAs('state', '0', 'Completed')}}
{{ end }}{{ end }}
containerStatuses:
{{ range .spec.containers }}${markerOf}${stopLookup}
{{ if $blocked }}${waitingFor('PodInitializing', '""')}{{ $allReady = false }}
{{ else if eq $m "${IMAGE_MARKERS.imagePullBackOff}" }}${pullError}{{ $waiting = add $waiting 1 }}{{ $allReady = false }}
{{ else if ${isStopping} }}{{ $stopped = add $stopped 1 }}{{ $allReady = false }}{{ if eq $m "${IMAGE_MARKERS.exit0}" }}{{ $succeeded = add $succeeded 1 }}{{ end }}{{ if or (eq $policy "Always") (and (eq $policy "OnFailure") (ne $m "${IMAGE_MARKERS.exit0}")) }}${crashLooping}{{ else }}${stoppedForGood}{{ end }}
{{ else if eq $m "healthy" }}${running(true)}{{ $running = add $running 1 }}
{{ else }}${running(false)}{{ $running = add $running 1 }}{{ $allReady = false }}
{{ end }}{{ end }}
{{ $phase := "Pending" }}
{{ if $initFailed }}{{ $phase = "Failed" }}
{{ else if or $blocked (gt $waiting 0) }}{{ $phase = "Pending" }}
{{ else if gt $running 0 }}{{ $phase = "Running" }}
{{ else if gt $stopped 0 }}{{ if eq $policy "Always" }}{{ $phase = "Running" }}{{ else if eq $stopped $succeeded }}{{ $phase = "Succeeded" }}{{ else if eq $policy "OnFailure" }}{{ $phase = "Running" }}{{ else }}{{ $phase = "Failed" }}{{ end }}
{{ end }}
{{ $ready := and $allReady (eq $phase "Running") }}
{{ $notReady := "ContainersNotReady" }}{{ if eq $phase "Succeeded" }}{{ $notReady = "PodCompleted" }}{{ else if eq $phase "Failed" }}{{ $notReady = "PodFailed" }}{{ end }}
conditions:
- {type: PodScheduled, status: "True", lastTransitionTime: {{ $now | Quote }}}
- {type: Initialized, status: {{ if $blocked }}"False", reason: ContainersNotInitialized{{ else }}"True"{{ end }}, lastTransitionTime: {{ $now | Quote }}}
- {type: ContainersReady, status: {{ if $ready }}"True"{{ else }}"False", reason: {{ $notReady }}{{ end }}, lastTransitionTime: {{ $now | Quote }}}
- {type: Ready, status: {{ if $ready }}"True"{{ else }}"False", reason: {{ $notReady }}{{ end }}, lastTransitionTime: {{ $now | Quote }}}
${addresses}
phase: {{ $phase }}
startTime: {{ $now | Quote }}`;

/** Re-emits both status lists, passing each entry through `change` (template text, `.` = the entry). */
const eachStatus = (change: string) => `{{ $now := Now }}
initContainerStatuses:
{{ range (or .status.initContainerStatuses list) }}${change}
{{ end }}
containerStatuses:
{{ range (or .status.containerStatuses list) }}${change}
{{ end }}`;
const waitingReason = '(dig "state" "waiting" "reason" "" .)';
const restarted = eachStatus(
  `{{ if eq ${waitingReason} "CrashLoopBackOff" }}- {{ toJson (merge (dict "restartCount" (add .restartCount 1) "lastState" (dict "terminated" (dict "exitCode" (dig "lastState" "terminated" "exitCode" 1 .) "reason" (dig "lastState" "terminated" "reason" "Error" .) "startedAt" $now "finishedAt" $now))) .) }}{{ else }}- {{ toJson . }}{{ end }}`,
);
const backedOff = eachStatus(
  `{{ if eq ${waitingReason} "ErrImagePull" }}- {{ toJson (merge (dict "state" (dict "waiting" (dict "reason" "ImagePullBackOff" "message" (printf "Back-off pulling image %q" .image)))) .) }}{{ else }}- {{ toJson . }}{{ end }}`,
);
const slowTurnsReady = `{{ $now := Now }}{{ $allReady := true }}
containerStatuses:
{{ range .status.containerStatuses }}{{ if and (contains "${IMAGE_MARKERS.slowReady}" .image) (not (contains "${IMAGE_MARKERS.neverReady}" .image)) (hasKey .state "running") }}- {{ toJson (merge (dict "ready" true) .) }}{{ else }}- {{ toJson . }}{{ if not .ready }}{{ $allReady = false }}{{ end }}{{ end }}
{{ end }}
{{ range (or .status.initContainerStatuses list) }}{{ if and (hasKey .state "running") (not .ready) }}{{ $allReady = false }}{{ end }}{{ end }}
{{ if $allReady }}
conditions:
- {type: ContainersReady, status: "True", lastTransitionTime: {{ $now | Quote }}}
- {type: Ready, status: "True", lastTransitionTime: {{ $now | Quote }}}
{{ end }}`;

function stage(
  name: string,
  kind: 'Pod' | 'Node',
  matchExpressions: Expression[],
  next: object,
  delay?: object,
) {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind },
      selector: { matchExpressions },
      ...(delay ? { delay } : {}),
      next,
    },
  };
}

const nodeStatus = (kubeletPort: number) => `{{ $now := Now }}
conditions:
- {type: Ready, status: "True", reason: KubeletReady, message: kwok node is ready, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
- {type: MemoryPressure, status: "False", reason: KubeletHasSufficientMemory, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
- {type: DiskPressure, status: "False", reason: KubeletHasNoDiskPressure, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
- {type: PIDPressure, status: "False", reason: KubeletHasSufficientPID, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
addresses:
- {type: InternalIP, address: {{ NodeIP | Quote }}}
- {type: Hostname, address: {{ .metadata.name | Quote }}}
daemonEndpoints: {kubeletEndpoint: {Port: ${kubeletPort}}}
allocatable: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 100Gi}
capacity: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 100Gi}
nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: kwok, containerRuntimeVersion: kwok, kernelVersion: kwok, osImage: kwok, machineID: "", systemUUID: "", bootID: "", kubeProxyVersion: ""}
phase: Running`;

/**
 * The KWOK Stage documents (multi-document YAML) that make fake nodes behave like kubelets.
 * Behaviour is chosen per container (and init container) by its image marker, so one sidecar
 * can crash-loop while the app container runs.
 */
export function kwokStagesYaml(timings: KwokTimings): string {
  const stages = [
    stage(
      'node-initialize',
      'Node',
      [
        {
          key: '.status.conditions | map(select(.type == "Ready")) | first | .status',
          operator: 'NotIn',
          values: ['True'],
        },
      ],
      { statusTemplate: nodeStatus(timings.kubeletPort) },
    ),
    stage('pod-delete', 'Pod', [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }], {
      delete: true,
    }),
    stage(
      'pod-start',
      'Pod',
      [notDeleted, phaseIn('Pending'), noContainerStatuses],
      { statusTemplate: startedPodStatus },
      {
        durationMilliseconds: timings.readyDelayMs,
        durationFrom: { expressionFrom: `.metadata.annotations["${READY_AFTER_ANNOTATION}"]` },
      },
    ),
    stage(
      'pod-slow-ready',
      'Pod',
      [
        notDeleted,
        phaseIn('Running'),
        {
          key: `(.status.containerStatuses // []) | map(.ready == false and (.state.running != null) and (.image | contains("${IMAGE_MARKERS.slowReady}")) and ((.image | contains("${IMAGE_MARKERS.neverReady}")) | not)) | any`,
          operator: 'In',
          values: ['true'],
        },
      ],
      { statusTemplate: slowTurnsReady },
      { durationMilliseconds: Math.max(0, timings.slowReadyDelayMs - timings.readyDelayMs) },
    ),
    stage(
      'pod-image-pull-backoff',
      'Pod',
      [notDeleted, phaseIn('Pending', 'Running'), anyStatus('.state.waiting.reason == "ErrImagePull"')],
      { statusTemplate: backedOff },
      { durationMilliseconds: 1000 },
    ),
    stage(
      'pod-crashloop-restart',
      'Pod',
      [notDeleted, phaseIn('Pending', 'Running'), anyStatus('.state.waiting.reason == "CrashLoopBackOff"')],
      { statusTemplate: restarted },
      { durationMilliseconds: timings.crashLoopIntervalMs },
    ),
  ];
  return stages.map((document) => stringify(document, { lineWidth: 0 })).join('---\n');
}
