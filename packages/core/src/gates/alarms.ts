import {
  CloudWatchClient,
  type CloudWatchClientConfig,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import {
  type AwsRequestLimits,
  awsClientSettings,
  networkCause,
  recordEndpoint,
} from '../auth/_aws-requests.ts';
import type { Clock } from '../clock.ts';
import { KubeshipError } from '../errors.ts';
import type { DeployEventListener } from '../events/deploy-events.ts';
import type { AlarmReading, ReleaseStep } from '../events/steps.ts';

/** Which alarms gate a release, and how. */
export interface AlarmGateOptions {
  /** Alarm names (metric or composite); every one must exist. */
  readonly names?: readonly string[];
  /** Every alarm whose name starts with this. */
  readonly prefix?: string;
  /** How long to watch the alarms once the release is healthy (0: only the check before the deploy). */
  readonly bakeMs: number;
  /** Time between two reads of the alarms (default 10 s). */
  readonly intervalMs?: number;
  /** INSUFFICIENT_DATA counts as `ok` (default) or as `alarm`. */
  readonly insufficientData?: 'ok' | 'alarm';
  /** Deploy even when an alarm is already in ALARM before the deploy (default false: refuse). */
  readonly ignoreActiveAlarms?: boolean;
  /**
   * Alarms already in ALARM before the change neither refuse it nor fail the bake while they stay
   * in ALARM; one that clears during the bake and fires again does (default false). For putting a
   * release back (`kubeship rollback`): the firing alarm is usually the reason for it.
   */
  readonly tolerateFiringBefore?: boolean;
  /** The CloudWatch client (see {@link createCloudWatchClient}). */
  readonly client: CloudWatchClient;
}

/** How to build the CloudWatch client the alarm gate reads with. */
export interface CloudWatchClientOptions {
  readonly region: string;
  readonly credentials?: CloudWatchClientConfig['credentials'];
  /** Default: the SDK's resolution (region, AWS_ENDPOINT_URL_CLOUDWATCH, AWS_ENDPOINT_URL, profiles). */
  readonly endpoint?: string;
  /** Connect and answer timeouts and attempts (defaults: 5 s, 20 s, 3). */
  readonly limits?: AwsRequestLimits;
}

/** A CloudWatch client with connect and answer timeouts on every attempt, so a read never hangs. */
export function createCloudWatchClient(options: CloudWatchClientOptions): CloudWatchClient {
  const settings = awsClientSettings(options.limits);
  return new CloudWatchClient({
    region: options.region,
    requestHandler: settings.requestHandler,
    maxAttempts: settings.maxAttempts,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
}

const DEFAULT_INTERVAL_MS = 10_000;
const NAMES_PER_CALL = 100;

/**
 * Reads the gate's alarms: one DescribeAlarms call for the names (up to 100; more are read in
 * batches of 100) and one for the prefix (paged), metric and composite alarms alike.
 */
export async function readAlarms(
  gate: Pick<AlarmGateOptions, 'names' | 'prefix' | 'client'>,
  signal?: AbortSignal,
): Promise<AlarmReading[]> {
  const calls: Array<{ AlarmNames?: string[]; AlarmNamePrefix?: string }> = [];
  const names = [...new Set(gate.names ?? [])];
  for (let i = 0; i < names.length; i += NAMES_PER_CALL)
    calls.push({ AlarmNames: names.slice(i, i + NAMES_PER_CALL) });
  if (gate.prefix) calls.push({ AlarmNamePrefix: gate.prefix });
  const found = new Map<string, AlarmReading>();
  const endpoint = recordEndpoint(gate.client, 'the CloudWatch endpoint');
  for (const call of calls) {
    let token: string | undefined;
    do {
      const page: DescribeAlarmsCommandOutput = await gate.client
        .send(
          new DescribeAlarmsCommand({
            ...call,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            ...(token ? { NextToken: token } : {}),
          }),
          signal ? { abortSignal: signal } : {},
        )
        .catch((error: unknown) => {
          throw describeAlarmsError(error, endpoint());
        });
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        const name = alarm.AlarmName ?? '';
        found.set(name, {
          name,
          state: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmReading['state'],
          reason: alarm.StateReason ?? '',
          since: alarm.StateUpdatedTimestamp ? new Date(alarm.StateUpdatedTimestamp).getTime() : 0,
        });
      }
      token = page.NextToken;
    } while (token);
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Pure: the alarms that stop a release under the INSUFFICIENT_DATA policy. */
export function firingAlarms(
  alarms: readonly AlarmReading[],
  insufficientData: AlarmGateOptions['insufficientData'] = 'ok',
): AlarmReading[] {
  return alarms.filter(
    (a) => a.state === 'ALARM' || (a.state === 'INSUFFICIENT_DATA' && insufficientData === 'alarm'),
  );
}

/**
 * Before anything changes: every named alarm must exist (a misspelt name would gate nothing),
 * and none may already be firing, unless told to ignore that. Returns the alarms read.
 */
export async function checkAlarmsBeforeDeploy(
  gate: AlarmGateOptions,
  signal?: AbortSignal,
): Promise<AlarmReading[]> {
  const alarms = await readAlarms(gate, signal);
  const missing = (gate.names ?? []).filter((name) => !alarms.some((a) => a.name === name));
  if (missing.length > 0) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `CloudWatch alarm(s) ${missing.join(', ')} do not exist: a gate on a missing alarm would never stop a bad release`,
      { details: { alarms: missing } },
    );
  }
  if (gate.prefix && !(gate.names ?? []).length && alarms.length === 0) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `no CloudWatch alarm's name starts with "${gate.prefix}": the alarm gate would watch nothing`,
      { details: { prefix: gate.prefix } },
    );
  }
  const firing = firingAlarms(alarms, gate.insufficientData);
  if (firing.length > 0 && !gate.ignoreActiveAlarms && !gate.tolerateFiringBefore) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `not deploying: ${firing.map((a) => `alarm ${a.name} is ${a.state} (${a.reason})`).join('; ')}; fix it first, or ignore active alarms to deploy anyway`,
      { details: { reason: 'AlarmActive', alarms: firing } },
    );
  }
  return alarms;
}

/**
 * Watches the alarms for `bakeMs`, reading them once per interval (and at the start and the
 * end): the first read with a firing alarm ends the bake with reason `AlarmTriggered` and the
 * alarm's state reason; an unreadable read fails it too (a gate that cannot see must not pass).
 */
export async function bakeWithAlarms(
  gate: AlarmGateOptions,
  run: {
    readonly clock: Clock;
    readonly emit: DeployEventListener;
    readonly signal?: AbortSignal;
    readonly name?: string;
    /** The alarms that were firing before the change (see {@link AlarmGateOptions.tolerateFiringBefore}). */
    readonly firingBefore?: readonly string[];
  },
): Promise<ReleaseStep> {
  const { clock } = run;
  const name = run.name ?? 'alarm bake';
  const startedAt = clock.now();
  const intervalMs = Math.max(1, gate.intervalMs ?? DEFAULT_INTERVAL_MS);
  run.emit({
    type: 'step-started',
    at: startedAt,
    kind: 'bake',
    name,
    detail: `watching ${describeGate(gate)} for ${gate.bakeMs / 1000}s`,
  });
  const seen = new Map<string, string>();
  const tolerated = new Set(gate.tolerateFiringBefore ? (run.firingBefore ?? []) : []);
  const finish = (step: Omit<ReleaseStep, 'kind' | 'name' | 'startedAt' | 'finishedAt'>): ReleaseStep => {
    const done: ReleaseStep = { kind: 'bake', name, startedAt, finishedAt: clock.now(), ...step };
    run.emit({ type: 'step-finished', at: done.finishedAt, step: done });
    return done;
  };
  for (;;) {
    if (run.signal?.aborted)
      return finish({
        outcome: 'interrupted',
        reason: 'Interrupted',
        message: 'interrupted during the bake',
      });
    let alarms: AlarmReading[];
    try {
      alarms = await readAlarms(gate, run.signal);
    } catch (error) {
      if (run.signal?.aborted)
        return finish({
          outcome: 'interrupted',
          reason: 'Interrupted',
          message: 'interrupted during the bake',
        });
      return finish({ outcome: 'failed', reason: 'AlarmsUnreadable', message: (error as Error).message });
    }
    for (const alarm of alarms) {
      if (seen.get(alarm.name) === alarm.state) continue;
      seen.set(alarm.name, alarm.state);
      run.emit({ type: 'alarm', at: clock.now(), alarm });
    }
    const firingNow = firingAlarms(alarms, gate.insufficientData);
    for (const alarm of alarms) if (!firingNow.includes(alarm)) tolerated.delete(alarm.name);
    const firing = firingNow.filter((alarm) => !tolerated.has(alarm.name));
    if (firing.length > 0) {
      return finish({
        outcome: 'failed',
        reason: 'AlarmTriggered',
        message: firing.map((a) => `alarm ${a.name} is ${a.state}: ${a.reason}`).join('; '),
        alarms: firing,
      });
    }
    const left = startedAt + gate.bakeMs - clock.now();
    if (left <= 0)
      return finish({
        outcome: 'passed',
        message: `${alarms.length} alarm(s) stayed clear for ${gate.bakeMs / 1000}s`,
      });
    await wait(clock, Math.min(intervalMs, left), run.signal);
  }
}

/** `alarms web-5xx, db-cpu and those starting with "shop-"`. */
export function describeGate(gate: Pick<AlarmGateOptions, 'names' | 'prefix'>): string {
  const parts = [
    ...(gate.names?.length ? [`alarm(s) ${gate.names.join(', ')}`] : []),
    ...(gate.prefix ? [`alarms starting with "${gate.prefix}"`] : []),
  ];
  return parts.join(' and ');
}

function wait(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = clock.schedule(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function describeAlarmsError(error: unknown, endpoint: string): KubeshipError {
  const name = (error as { name?: string }).name ?? '';
  const message = (error as Error).message ?? String(error);
  const unreachable = networkCause(error);
  if (unreachable)
    return new KubeshipError(
      'AWS_UNREACHABLE',
      `CloudWatch DescribeAlarms at ${endpoint} failed: ${unreachable}`,
      {
        details: { service: 'CloudWatch', operation: 'DescribeAlarms', endpoint },
        cause: error,
      },
    );
  if (/AccessDenied|UnrecognizedClient|InvalidClientTokenId|ExpiredToken|CredentialsProvider/i.test(name))
    return new KubeshipError('AWS_CREDENTIALS', `CloudWatch DescribeAlarms refused: ${name}: ${message}`, {
      cause: error,
    });
  return new KubeshipError('API_ERROR', `CloudWatch DescribeAlarms failed: ${name}: ${message}`, {
    cause: error,
  });
}
