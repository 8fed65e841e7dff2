import type { DeployResult } from '@kubeship/core';
import { imageDigestOf } from '@kubeship/manifests';

/** The last gate the release reached (`post-deploy hook smoke`, `alarm bake`), with its outcome; '' without gates. */
function lastStep(result: DeployResult): string {
  const step = result.steps?.at(-1);
  return step ? `${step.name}: ${step.outcome}` : '';
}

/**
 * Pure: `KEY=value` lines for buildspec `exported-variables` and CodePipeline variables:
 * the image, its digest when the reference carries one, the Deployment's revision, the outcome,
 * whether it was rolled back, the strategy, the last gate step reached and the evidence bundle's
 * S3 URL. Values never contain newlines.
 */
export function exportsFile(result: DeployResult, context: { image?: string; exitCode: number }): string {
  const main = result.deployments[0];
  const image = context.image ?? main?.images[0] ?? '';
  const digest = imageDigestOf(image) ?? '';
  const values: Record<string, string> = {
    KUBESHIP_IMAGE: image,
    KUBESHIP_IMAGE_DIGEST: digest,
    KUBESHIP_REVISION: String(main?.revisionAfter ?? ''),
    KUBESHIP_OUTCOME: result.outcome,
    KUBESHIP_ROLLED_BACK: String(result.outcome === 'rolled-back'),
    KUBESHIP_EXIT_CODE: String(context.exitCode),
    KUBESHIP_STRATEGY: result.strategy ?? 'rolling',
    KUBESHIP_LAST_STEP: lastStep(result),
    KUBESHIP_EVIDENCE_URL: result.evidenceBundle?.url ?? '',
  };
  return keyValueLines(values);
}

/** Pure: `KEY=value` lines, one per entry, newlines in values replaced by spaces. */
export function keyValueLines(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${value.replace(/[\r\n]/g, ' ')}`)
    .join('\n')
    .concat('\n');
}
