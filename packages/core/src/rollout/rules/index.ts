// The health rules, one per kind: pure judges of an object and its namespace view.
export { EXPECT_SUSPENDED_ANNOTATION } from './cron-job.ts';
export { isTimeZone, scheduleProblem } from './cron-schedule.ts';
export { DEFAULT_METRICS_GRACE_MS } from './hpa.ts';
export { WAIT_FOR_ADDRESS_ANNOTATION } from './load-balancer.ts';
export { healthRuleFor, type RuleSubject } from './registry.ts';
export type {
  Health,
  HealthRule,
  JudgeContext,
  JudgeRules,
  KubeObject,
  NamespaceView,
  RelatedCollection,
} from './types.ts';
