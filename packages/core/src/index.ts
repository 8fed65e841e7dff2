// The public API of @kubeship/core: every export is listed here by name.
export { accessEntryPrincipal, explainFromAccessEntry } from './access/eks-explain.ts';
export { ACCESS_REVIEW_TIMEOUT_MS, type AccessReview } from './access/review.ts';
export {
  type AccessExplainer,
  type AccessPlan,
  type AccessRight,
  missingRightsTable,
  rightsNeeded,
} from './access/rights.ts';
export { assertWithinApiLimits, MAX_CONFIG_DATA_BYTES, MAX_OBJECT_BYTES } from './apply/limits.ts';
export { describeChange, type FieldChange, objectId, type PlannedChange, planChanges } from './apply/plan.ts';
export { type ApplyWarning, dryRunAll, FIELD_MANAGER, missingNamespaces, readLive } from './apply/server.ts';
export {
  AWS_REQUEST_DEFAULTS,
  type AwsCredentialIdentity,
  type AwsCredentialIdentityProvider,
  type AwsRequestLimits,
  boundKubernetesRequests,
  type ClusterConnection,
  connectToEks,
  connectWithKubeconfig,
  defaultRoleSessionName,
  describeKubernetesError,
  type EksConnectionOptions,
  type EksToken,
  eksTokenFor,
  KUBERNETES_REQUEST_DEFAULTS,
  type KubeconfigConnectionOptions,
  type KubernetesCallContext,
  type KubernetesRequestLimits,
  mintEksToken,
  TOKEN_LIFETIME_MS,
} from './auth/index.ts';
export { type Clock, systemClock } from './clock.ts';
export {
  CONFIG_CHECKSUM_ANNOTATION,
  type ConfigParameter,
  configObjectNames,
  createSsmClient,
  type ResolveConfigOptions,
  type ResolvedConfig,
  resolveConfig,
  type SsmBinding,
} from './config/index.ts';
export { checkObjects } from './deploy/check.ts';
export { deployObjects } from './deploy/engine.ts';
export { acquireDeployLease, type DeployLease, type LeaseOptions } from './deploy/lease.ts';
export {
  type PrepareReleaseOptions,
  prepareRelease,
  type Release,
  type ReleaseSource,
} from './deploy/prepare-release.ts';
export { type PromotionCheck, promotionImage } from './deploy/promote-guard.ts';
export {
  previewRelease,
  type ReleaseInput,
  type ReleasePreview,
} from './deploy/release-objects.ts';
export { type RollbackReleaseOptions, rollbackRelease } from './deploy/rollback-release.ts';
export type {
  CheckResult,
  DeploymentOutcome,
  DeployObjectsOptions,
  DeployResult,
  Manifest,
  ObjectOutcome,
} from './deploy/types.ts';
export {
  type UninstallOptions,
  type UninstallResult,
  uninstallOrder,
  uninstallRelease,
} from './deploy/uninstall.ts';
export {
  type FleetProblem,
  type FleetSettings,
  type FleetTarget,
  fleetProblems,
  memberSettings,
} from './environment/fleet.ts';
export {
  DEFAULT_ENVIRONMENT_TIMEOUT_SECONDS,
  type EnvironmentInputs,
  type EnvironmentPlan,
  type EnvironmentSettings,
  planEnvironment,
  rolloutOptionsOf,
} from './environment/plan.ts';
export { type ErrorDetails, isKubeshipError, KubeshipError, type KubeshipErrorCode } from './errors.ts';
export type {
  DeployEvent,
  DeployEventListener,
  DeployPhase,
  EventTarget,
  LeaseWait,
} from './events/deploy-events.ts';
export type { AlarmReading, ReleaseStep } from './events/steps.ts';
export { EVIDENCE_LOG_LIMIT_BYTES, EVIDENCE_MAX_FAILING_CONTAINERS } from './evidence/collect.ts';
export { type EvidenceBundle, type EvidenceOptions, parseS3Uri } from './evidence/save.ts';
export {
  clustersWith,
  type FleetClusterOutcome,
  type FleetClusterStatus,
  type FleetOutcome,
  fleetOutcome,
} from './fleet/outcome.ts';
export {
  type DeployFleetOptions,
  deployFleet,
  type FleetEvent,
  type FleetEventListener,
  type FleetResult,
} from './fleet/run.ts';
export {
  type AlarmGateOptions,
  bakeWithAlarms,
  type CloudWatchClientOptions,
  checkAlarmsBeforeDeploy,
  createCloudWatchClient,
  firingAlarms,
  readAlarms,
} from './gates/alarms.ts';
export {
  type Hook,
  type HookPhase,
  hookJob,
  splitHooks,
} from './gates/hooks.ts';
export { ALB_ACTIONS_PREFIX, canaryService, weightedActionName, weightedIngress } from './progressive/alb.ts';
export { endBlueGreen, greenDeployment, runBlueGreen, switchedService } from './progressive/blue-green.ts';
export { canaryDeployment, TRACK_LABEL } from './progressive/canary.ts';
export { type CanaryStep, canaryPreset, canaryReplicas, checkCanarySteps } from './progressive/presets.ts';
export {
  compareReleases,
  diffReleases,
  type ObjectDifference,
  type ReleaseDifference,
} from './release/diff.ts';
export { readHistory, readRecord } from './release/history.ts';
export { leftBehind } from './release/prune.ts';
export {
  lastDeployed,
  type ReleaseOutcome,
  type ReleaseRecord,
  type ReleaseSummary,
} from './release/record.ts';
export {
  judgeLive,
  type ObjectStatus,
  type ReleaseStatus,
  readReleaseStatus,
} from './release/status.ts';
export {
  elapsed,
  formatEvent,
  formatResult,
  type HumanStyle,
  leaseWaitLine,
  progressLine,
  stillWaitingLine,
} from './report/human.ts';
export {
  collectEvidence,
  type Evidence,
  type EvidenceEvent,
  type EvidenceLog,
} from './rollout/diagnostics.ts';
export {
  type DoomedPod,
  doomedSubject,
  type FailureRules,
  judgePod,
  judgeRollout,
  newReplicaSetOf,
  REVISION_ANNOTATION,
  type RolloutCounts,
  type RolloutState,
  revisionOf,
  type WaitingPod,
} from './rollout/predicates.ts';
export { previousTemplate, type RollbackTarget, rollBack } from './rollout/rollback.ts';
export { type DeploymentState, readDeploymentState } from './rollout/state.ts';
export {
  type RolloutProgress,
  type RolloutTarget,
  type RolloutVerdict,
  type TrackOptions,
  targetId,
  trackRollouts,
} from './rollout/tracker.ts';
export type { RenderedFile } from './sources/_rendered.ts';
export { type ClusterCapabilities, readClusterCapabilities } from './sources/capabilities.ts';
export {
  type HelmHook,
  type HelmHookPolicy,
  type HelmRenderOptions,
  type HelmSsmValue,
  type RenderedHelmChart,
  renderHelmChart,
} from './sources/helm.ts';
export {
  adoptHelmRelease,
  type HelmAdoption,
  type ManagedFieldsEntry,
  takeOverManagedFields,
} from './sources/helm-adoption.ts';
export { type KustomizeRenderOptions, renderKustomization } from './sources/kustomize.ts';
