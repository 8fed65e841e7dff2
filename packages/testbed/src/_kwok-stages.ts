import { stringify } from 'yaml';
import { IMAGE_MARKERS, READY_AFTER_ANNOTATION } from './markers.ts';

/** Timings of the simulated kubelet. */
export interface KwokTimings {
  readonly readyDelayMs: number;
  readonly slowReadyDelayMs: number;
  readonly crashLoopIntervalMs: number;
}

type Expression = { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] };

const notDeleted: Expression = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
const phaseIs = (phase: string): Expression => ({ key: '.status.phase', operator: 'In', values: [phase] });
const noContainerStatuses: Expression = { key: '.status.containerStatuses', operator: 'DoesNotExist' };
const imageHas = (marker: string, present: boolean): Expression => ({
  key: `.spec.containers | map(.image | contains("${marker}")) | any`,
  operator: present ? 'In' : 'NotIn',
  values: ['true'],
});
const waitingReasonIs = (reason: string): Expression => ({
  key: '.status.containerStatuses | map(.state.waiting.reason) | first',
  operator: 'In',
  values: [reason],
});

const conditions = (ready: boolean) => `
conditions:
- {type: PodScheduled, status: "True", lastTransitionTime: {{ $now | Quote }}}
- {type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }}}
- {type: ContainersReady, status: "${ready ? 'True' : 'False'}", lastTransitionTime: {{ $now | Quote }}${ready ? '' : ', reason: ContainersNotReady'}}
- {type: Ready, status: "${ready ? 'True' : 'False'}", lastTransitionTime: {{ $now | Quote }}${ready ? '' : ', reason: ContainersNotReady'}}`;

// A running container reports the digest it runs: the image's own digest, or a stable fake one.
const IMAGE_ID =
  '{{ if contains "@sha256:" .image }}{{ .image | Quote }}{{ else }}' +
  '{{ printf "%s@sha256:%s" (regexReplaceAll ":[^:/@]+$" .image "") (sha256sum .image) | Quote }}{{ end }}';

const addresses = `
{{ with NodeIPWith .spec.nodeName }}hostIP: {{ . | Quote }}{{ end }}
{{ with PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}podIP: {{ . | Quote }}{{ end }}`;

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

/** The KWOK Stage documents (multi-document YAML) that make fake nodes behave like kubelets. */
export function kwokStagesYaml(timings: KwokTimings): string {
  const ready = (delayMs: number) => ({
    durationMilliseconds: delayMs,
    durationFrom: { expressionFrom: `.metadata.annotations["${READY_AFTER_ANNOTATION}"]` },
  });
  const healthy = [
    notDeleted,
    phaseIs('Pending'),
    noContainerStatuses,
    imageHas(IMAGE_MARKERS.crashLoop, false),
    imageHas(IMAGE_MARKERS.imagePullBackOff, false),
  ];
  const readyStatus = {
    statusTemplate: `{{ $now := Now }}${conditions(true)}
containerStatuses:
{{ range .spec.containers }}
- {name: {{ .name | Quote }}, image: {{ .image | Quote }}, imageID: ${IMAGE_ID}, ready: true, started: true, restartCount: 0, state: {running: {startedAt: {{ $now | Quote }}}}}
{{ end }}${addresses}
phase: Running
startTime: {{ $now | Quote }}`,
  };
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
      {
        statusTemplate: `{{ $now := Now }}
conditions:
- {type: Ready, status: "True", reason: KubeletReady, message: kwok node is ready, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
- {type: MemoryPressure, status: "False", reason: KubeletHasSufficientMemory, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
- {type: DiskPressure, status: "False", reason: KubeletHasNoDiskPressure, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
- {type: PIDPressure, status: "False", reason: KubeletHasSufficientPID, lastHeartbeatTime: {{ $now | Quote }}, lastTransitionTime: {{ $now | Quote }}}
addresses:
- {type: InternalIP, address: {{ NodeIP | Quote }}}
- {type: Hostname, address: {{ .metadata.name | Quote }}}
allocatable: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 100Gi}
capacity: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 100Gi}
nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: kwok, containerRuntimeVersion: kwok, kernelVersion: kwok, osImage: kwok, machineID: "", systemUUID: "", bootID: "", kubeProxyVersion: ""}
phase: Running`,
      },
    ),
    stage('pod-delete', 'Pod', [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }], {
      delete: true,
    }),
    stage(
      'pod-ready',
      'Pod',
      [...healthy, imageHas(IMAGE_MARKERS.slowReady, false)],
      readyStatus,
      ready(timings.readyDelayMs),
    ),
    stage(
      'pod-ready-slow',
      'Pod',
      [...healthy, imageHas(IMAGE_MARKERS.slowReady, true)],
      readyStatus,
      ready(timings.slowReadyDelayMs),
    ),
    stage(
      'pod-image-pull-error',
      'Pod',
      [notDeleted, phaseIs('Pending'), noContainerStatuses, imageHas(IMAGE_MARKERS.imagePullBackOff, true)],
      {
        statusTemplate: `{{ $now := Now }}${conditions(false)}
containerStatuses:
{{ range .spec.containers }}
- {name: {{ .name | Quote }}, image: {{ .image | Quote }}, imageID: "", ready: false, started: false, restartCount: 0, state: {waiting: {reason: ErrImagePull, message: {{ printf "failed to pull and unpack image %q: not found" .image | Quote }}}}}
{{ end }}${addresses}
phase: Pending
startTime: {{ $now | Quote }}`,
      },
    ),
    stage(
      'pod-image-pull-backoff',
      'Pod',
      [notDeleted, phaseIs('Pending'), waitingReasonIs('ErrImagePull')],
      {
        statusTemplate: `containerStatuses:
{{ range .status.containerStatuses }}
- {name: {{ .name | Quote }}, image: {{ .image | Quote }}, imageID: "", ready: false, started: false, restartCount: 0, state: {waiting: {reason: ImagePullBackOff, message: {{ printf "Back-off pulling image %q" .image | Quote }}}}}
{{ end }}`,
      },
      { durationMilliseconds: 1000 },
    ),
    stage(
      'pod-crashloop-start',
      'Pod',
      [notDeleted, phaseIs('Pending'), noContainerStatuses, imageHas(IMAGE_MARKERS.crashLoop, true)],
      {
        statusTemplate: `{{ $now := Now }}{{ $pod := .metadata.name }}${conditions(false)}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  ready: false
  started: false
  restartCount: 1
  state: {waiting: {reason: CrashLoopBackOff, message: {{ printf "back-off 10s restarting failed container=%s pod=%s" .name $pod | Quote }}}}
  lastState: {terminated: {exitCode: 1, reason: Error, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }}}}
{{ end }}${addresses}
phase: Running
startTime: {{ $now | Quote }}`,
      },
      { durationMilliseconds: Math.min(timings.readyDelayMs, 500) },
    ),
    stage(
      'pod-crashloop-restart',
      'Pod',
      [notDeleted, phaseIs('Running'), waitingReasonIs('CrashLoopBackOff')],
      {
        statusTemplate: `{{ $now := Now }}
containerStatuses:
{{ range .status.containerStatuses }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  ready: false
  started: false
  restartCount: {{ add .restartCount 1 }}
  state: {waiting: {reason: CrashLoopBackOff, message: {{ .state.waiting.message | Quote }}}}
  lastState: {terminated: {exitCode: 1, reason: Error, startedAt: {{ $now | Quote }}, finishedAt: {{ $now | Quote }}}}
{{ end }}`,
      },
      { durationMilliseconds: timings.crashLoopIntervalMs },
    ),
  ];
  return stages.map((document) => stringify(document, { lineWidth: 0 })).join('---\n');
}
