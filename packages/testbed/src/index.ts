export { METRICS_ANNOTATION_PREFIX } from './_metrics-api.ts';
export { resolveManifestTools } from './_toolchain.ts';
export { type TestCredentials, testbedAdmin } from './admin.ts';
export {
  type AwsEnv,
  type AwsTarget,
  aws,
  awscliPath,
  awscliToken,
  putLoadBalancerAlarm,
  putParameter,
  setAlarmState,
} from './awscli.ts';
export {
  crashAfter,
  IMAGE_MARKERS,
  LOG_ANNOTATION_PREFIX,
  MARKER_LAST_LOG_LINES,
  READY_AFTER_ANNOTATION,
  UNSCHEDULABLE_NODE_LABEL,
} from './markers.ts';
export {
  processAlive,
  readSandboxState,
  type SandboxHealth,
  type SandboxState,
  sandboxExports,
  sandboxHealth,
  sandboxReport,
  sandboxStateFile,
  sandboxVariables,
} from './sandbox.ts';
export { type SheddingProxy, startSheddingProxy } from './shedding-proxy.ts';
export { type NamespaceObjects, type Signal, watchForSignal } from './signals.ts';
export {
  CLUSTER_ADMIN_GROUP,
  startTestbed,
  type Testbed,
  type TestbedInfo,
  type TestbedOptions,
} from './testbed.ts';
