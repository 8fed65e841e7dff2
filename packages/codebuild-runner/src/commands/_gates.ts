import type { AlarmGateOptions, CanaryStep, EvidenceOptions } from '@kubeship/core';
import { UsageError } from '../args.ts';
import type { CommandInput } from '../command-input.ts';
import { awsLimits } from '../input/limits.ts';
import { type OpenedEnvironment, regionOf } from './_environment.ts';

/**
 * The environment's CloudWatch alarm gate for `deployObjects`, or nothing. The client reads the
 * build's credentials and honours AWS_ENDPOINT_URL like the other AWS clients;
 * KUBESHIP_IGNORE_ALARMS=true deploys while an alarm is already firing.
 */
export async function alarmGate(
  opened: OpenedEnvironment,
  input: CommandInput,
): Promise<{ alarms?: AlarmGateOptions }> {
  const gate = opened.environment.alarms;
  if (!gate) return {};
  const ignore = input.env.KUBESHIP_IGNORE_ALARMS;
  if (ignore !== undefined && ignore !== 'true' && ignore !== 'false')
    throw new UsageError(`KUBESHIP_IGNORE_ALARMS must be true or false, not "${ignore}"`);
  const { createCloudWatchClient } = await import('@kubeship/core');
  return {
    alarms: {
      ...(gate.names ? { names: gate.names } : {}),
      ...(gate.prefix ? { prefix: gate.prefix } : {}),
      bakeMs: gate.bakeSeconds * 1000,
      ...(gate.intervalSeconds === undefined ? {} : { intervalMs: gate.intervalSeconds * 1000 }),
      ...(gate.insufficientData ? { insufficientData: gate.insufficientData } : {}),
      ignoreActiveAlarms: ignore === 'true' || (gate.ignoreActive ?? false),
      client: createCloudWatchClient({
        region: gate.region ?? regionOf(opened),
        limits: awsLimits(input.options.awsTimeoutSeconds),
      }),
    },
  };
}

/** The environment's canary for `deployObjects`: its preset expanded, or its steps, checked. */
export async function canaryOf(opened: OpenedEnvironment): Promise<{
  canary?: { steps: CanaryStep[]; deployment?: string; alb?: { ingress: string; service: string } };
}> {
  const canary = opened.environment.canary;
  if (!canary) return {};
  const { canaryPreset, checkCanarySteps, KubeshipError } = await import('@kubeship/core');
  const field = `${opened.file}: environments.${opened.name}.canary`;
  try {
    const steps = canary.preset
      ? canaryPreset(canary.preset)
      : (canary.steps ?? []).map((step) => ({ percent: step.percent, bakeMs: step.bakeSeconds * 1000 }));
    checkCanarySteps(steps);
    return {
      canary: {
        steps,
        ...(canary.deployment ? { deployment: canary.deployment } : {}),
        ...(canary.alb ? { alb: canary.alb } : {}),
      },
    };
  } catch (error) {
    if (error instanceof KubeshipError)
      throw new KubeshipError('INVALID_INPUT', `${field}: ${error.message}`, {
        details: { file: opened.file },
      });
    throw error;
  }
}

/** The environment's blue/green for `deployObjects`. */
export function blueGreenOf(opened: OpenedEnvironment): {
  blueGreen?: { service: string; keepMs: number; deployment?: string };
} {
  const blueGreen = opened.environment.blueGreen;
  if (!blueGreen) return {};
  return {
    blueGreen: {
      service: blueGreen.service,
      keepMs: blueGreen.keepSeconds * 1000,
      ...(blueGreen.deployment ? { deployment: blueGreen.deployment } : {}),
    },
  };
}

/**
 * The evidence bundle's destinations for `deployObjects` (`--evidence`, `--evidence-s3`), or
 * nothing. The S3 client reads the build's credentials; with AWS_ENDPOINT_URL(_S3) (an
 * S3-compatible endpoint) it addresses buckets by path.
 */
export function evidenceOf(opened: OpenedEnvironment, input: CommandInput): { evidence?: EvidenceOptions } {
  const flags = input.options.evidence;
  if (!flags) return {};
  const s3 = flags.s3Uri
    ? {
        uri: flags.s3Uri,
        region: regionOf(opened),
        ...(flags.kmsKeyId ? { kmsKeyId: flags.kmsKeyId } : {}),
        forcePathStyle: Boolean(input.env.AWS_ENDPOINT_URL_S3 ?? input.env.AWS_ENDPOINT_URL),
        timeoutMs: input.options.awsTimeoutSeconds * 1000,
        limits: awsLimits(input.options.awsTimeoutSeconds),
      }
    : undefined;
  return {
    evidence: { ...(flags.dir ? { dir: flags.dir } : {}), ...(s3 ? { s3 } : {}), always: flags.always },
  };
}
