// src/environment/plan.ts
var DEFAULT_ENVIRONMENT_TIMEOUT_SECONDS = 600;
function planEnvironment(settings, inputs = {}) {
  const region = settings.cluster?.region ?? settings.ssm?.region ?? inputs.region;
  const ssmRegion = settings.ssm?.region ?? settings.cluster?.region ?? inputs.region;
  const tag = inputs.tag ?? inputs.sourceVersion;
  const image = inputs.image ? { ref: inputs.image } : tag ? inputs.repository ? { ref: `${inputs.repository}:${tag}` } : { tagWithoutRepository: tag } : void 0;
  const timeoutSeconds = inputs.timeoutSeconds ?? settings.timeoutSeconds ?? DEFAULT_ENVIRONMENT_TIMEOUT_SECONDS;
  const grace = settings.unschedulableGraceSeconds;
  return {
    namespace: settings.namespace,
    ...region ? { region } : {},
    ...ssmRegion ? {
      ssm: {
        region: ssmRegion,
        ...settings.ssm?.paths ? { paths: [...settings.ssm.paths] } : {},
        ...settings.ssm?.names ? { names: [...settings.ssm.names] } : {}
      }
    } : {},
    image,
    ...settings.replicas === void 0 ? {} : { replicas: settings.replicas },
    timeoutMs: timeoutSeconds * 1e3,
    lockWaitMs: (inputs.lockWaitSeconds ?? settings.lockWaitSeconds ?? 0) * 1e3,
    rollback: inputs.rollback !== false && (settings.rollback ?? true),
    ...settings.maxRestarts === void 0 ? {} : { maxRestarts: settings.maxRestarts },
    ...grace === void 0 ? {} : { unschedulableGraceMs: grace * 1e3 }
  };
}
function rolloutOptionsOf(plan) {
  return {
    timeoutMs: plan.timeoutMs,
    rollback: plan.rollback,
    ...plan.maxRestarts === void 0 ? {} : { maxRestarts: plan.maxRestarts },
    ...plan.unschedulableGraceMs === void 0 ? {} : { unschedulableGraceMs: plan.unschedulableGraceMs }
  };
}

export {
  DEFAULT_ENVIRONMENT_TIMEOUT_SECONDS,
  planEnvironment,
  rolloutOptionsOf
};
//# sourceMappingURL=chunk-2IYGPL5S.js.map