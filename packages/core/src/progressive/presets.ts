import { KubeshipError } from '../errors.ts';

/** One canary step: the share of the stable replica count the canary runs, and how long it bakes there. */
export interface CanaryStep {
  /** 1-100: the canary's size as a share of the stable Deployment's replicas. */
  readonly percent: number;
  readonly bakeMs: number;
}

const CANARY = /^Canary(\d{1,2})Percent(\d{1,3})Minutes?$/;
const LINEAR = /^Linear(\d{1,2})PercentEvery(\d{1,3})Minutes?$/;

/**
 * Pure: CodeDeploy's traffic-shifting names as canary steps. `Canary10Percent5Minutes`: 10% for
 * five minutes, then promote. `Linear10PercentEvery1Minute`: 10%, 20%, ... 90%, a minute each,
 * then promote. Promotion (100%) is never a step: it is what passing the last one does.
 */
export function canaryPreset(name: string): CanaryStep[] {
  const canary = CANARY.exec(name);
  const linear = LINEAR.exec(name);
  const percent = Number((canary ?? linear)?.[1]);
  const minutes = Number((canary ?? linear)?.[2]);
  if ((!canary && !linear) || !(percent >= 1 && percent <= 99) || !(minutes >= 1 && minutes <= 360)) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `unknown canary preset "${name}": use Canary<1-99>Percent<1-360>Minutes (e.g. Canary10Percent5Minutes) or Linear<1-99>PercentEvery<1-360>Minutes (e.g. Linear10PercentEvery1Minute), or explicit steps`,
      { details: { preset: name } },
    );
  }
  const bakeMs = minutes * 60_000;
  if (canary) return [{ percent, bakeMs }];
  const steps: CanaryStep[] = [];
  for (let share = percent; share < 100; share += percent) steps.push({ percent: share, bakeMs });
  return steps;
}

/** Pure: checks explicit steps (ascending percentages from 1 to 100, bakes of at most 6 hours). */
export function checkCanarySteps(steps: readonly CanaryStep[]): void {
  const problem = (index: number, message: string) =>
    new KubeshipError('INVALID_INPUT', `canary step ${index + 1}: ${message}`, {
      details: { step: index + 1 },
    });
  if (steps.length === 0) throw new KubeshipError('INVALID_INPUT', 'a canary needs at least one step');
  steps.forEach((step, index) => {
    if (!Number.isInteger(step.percent) || step.percent < 1 || step.percent > 100)
      throw problem(index, `percent must be a whole number from 1 to 100, not ${step.percent}`);
    if (index > 0 && step.percent <= (steps[index - 1]?.percent ?? 0))
      throw problem(index, 'percentages must grow from step to step');
    if (!(step.bakeMs >= 0 && step.bakeMs <= 6 * 3_600_000))
      throw problem(index, 'bake must be 0 to 6 hours');
  });
}

/** Pure: canary replicas for a share of the stable count: rounded up, at least 1. */
export function canaryReplicas(stableReplicas: number, percent: number): number {
  return Math.max(1, Math.ceil((stableReplicas * percent) / 100));
}
