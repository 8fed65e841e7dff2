import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { KubeObject } from '@kubeship/manifests';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock.ts';
import { isKubeshipError } from '../errors.ts';
import type { DeployEvent } from '../events/deploy-events.ts';
import type { AlarmReading } from '../events/steps.ts';
import { bakeWithAlarms, checkAlarmsBeforeDeploy, firingAlarms, readAlarms } from './alarms.ts';
import { hookJob, splitHooks } from './hooks.ts';

const job = (name: string, annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'shop', annotations },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'flyway' }] } } },
});
const web: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
};

describe('splitHooks and hookJob', () => {
  it('takes annotated Jobs out of the release with their timeout and policy', () => {
    const { objects, hooks } = splitHooks([
      web,
      job('migrate', { 'kubeship.dev/hook': 'pre-deploy', 'kubeship.dev/hook-timeout-seconds': '90' }),
      job('smoke', { 'kubeship.dev/hook': 'post-deploy', 'kubeship.dev/hook-delete-policy': 'never' }),
      job('report', {}),
    ]);
    expect(objects.map((o) => o.metadata.name)).toEqual(['web', 'report']);
    expect(hooks.map((h) => [h.phase, h.name, h.timeoutMs, h.deletePolicy])).toEqual([
      ['pre-deploy', 'migrate', 90_000, 'succeeded'],
      ['post-deploy', 'smoke', 300_000, 'never'],
    ]);
  });

  it.each([
    [{ 'kubeship.dev/hook': 'pre-install' }, /must be pre-deploy or post-deploy, not "pre-install"/],
    [
      { 'kubeship.dev/hook': 'pre-deploy', 'kubeship.dev/hook-timeout-seconds': '1m' },
      /hook-timeout-seconds must be whole seconds/,
    ],
    [
      { 'kubeship.dev/hook': 'pre-deploy', 'kubeship.dev/hook-delete-policy': 'always' },
      /must be succeeded or never/,
    ],
  ])('names the bad annotation %o', (annotations, message) => {
    let error: unknown;
    try {
      splitHooks([job('migrate', annotations)]);
    } catch (e) {
      error = e;
    }
    expect(isKubeshipError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/Job shop\/migrate/);
  });

  it('refuses a hook on another kind, and a name too long for its runs', () => {
    expect(() =>
      splitHooks([
        { ...web, metadata: { ...web.metadata, annotations: { 'kubeship.dev/hook': 'pre-deploy' } } },
      ]),
    ).toThrow(/only for Jobs/);
    expect(() => splitHooks([job('m'.repeat(53), { 'kubeship.dev/hook': 'pre-deploy' })])).toThrow(
      /at most 52/,
    );
  });

  it('names each run after the revision, labels it and bounds it by the timeout', () => {
    const [hook] = splitHooks([
      job('migrate', { 'kubeship.dev/hook': 'pre-deploy', 'kubeship.dev/hook-timeout-seconds': '90' }),
    ]).hooks;
    if (!hook) throw new Error('no hook');
    const run = hookJob(hook, { app: 'shop', revision: 7 });
    expect(run.metadata).toMatchObject({
      name: 'migrate-r7',
      labels: { 'kubeship.dev/hook-of': 'shop', 'kubeship.dev/hook-name': 'migrate' },
    });
    expect(run.spec).toMatchObject({ activeDeadlineSeconds: 90 });
  });
});

const reading = (name: string, state: AlarmReading['state']): AlarmReading => ({
  name,
  state,
  reason: `${state} because`,
  since: 0,
});

describe('alarms', () => {
  it('counts INSUFFICIENT_DATA as configured', () => {
    const alarms = [reading('a', 'OK'), reading('b', 'INSUFFICIENT_DATA'), reading('c', 'ALARM')];
    expect(firingAlarms(alarms).map((a) => a.name)).toEqual(['c']);
    expect(firingAlarms(alarms, 'alarm').map((a) => a.name)).toEqual(['b', 'c']);
  });

  it('reads names in one call per 100 and the prefix in its own, metric and composite alarms alike', async () => {
    const mock = mockClient(CloudWatchClient);
    mock
      .on(DescribeAlarmsCommand)
      .callsFake(async (input: { AlarmNames?: string[]; AlarmNamePrefix?: string }) => ({
        MetricAlarms: (input.AlarmNames ?? [])
          .slice(0, 2)
          .map((AlarmName) => ({ AlarmName, StateValue: 'OK', StateReason: 'fine' })),
        CompositeAlarms: input.AlarmNamePrefix
          ? [{ AlarmName: `${input.AlarmNamePrefix}all`, StateValue: 'ALARM' }]
          : [],
      }));
    const names = Array.from({ length: 150 }, (_, i) => `alarm-${String(i).padStart(3, '0')}`);
    const alarms = await readAlarms({
      names,
      prefix: 'shop-',
      client: new CloudWatchClient({ region: 'us-east-1' }),
    });
    const calls = mock.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.AlarmNames?.length, c.AlarmNamePrefix])).toEqual([
      [100, undefined],
      [50, undefined],
      [undefined, 'shop-'],
    ]);
    expect(calls[0]?.AlarmTypes).toEqual(['MetricAlarm', 'CompositeAlarm']);
    expect(alarms.map((a) => [a.name, a.state])).toContainEqual(['shop-all', 'ALARM']);
    mock.restore();
  });

  it('refuses a prefix that matches nothing', async () => {
    const mock = mockClient(CloudWatchClient);
    mock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    await expect(
      checkAlarmsBeforeDeploy({
        prefix: 'nope-',
        bakeMs: 0,
        client: new CloudWatchClient({ region: 'us-east-1' }),
      }),
    ).rejects.toThrow(/no CloudWatch alarm's name starts with "nope-"/);
    mock.restore();
  });

  it('bakes on an injected clock: one read per interval, passes when the time is up', async () => {
    const mock = mockClient(CloudWatchClient);
    mock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'a', StateValue: 'OK' }] });
    let now = 0;
    const clock: Clock = {
      now: () => now,
      schedule(callback, ms) {
        now += ms;
        queueMicrotask(callback);
        return () => {};
      },
    };
    const events: DeployEvent[] = [];
    const step = await bakeWithAlarms(
      {
        names: ['a'],
        bakeMs: 30_000,
        intervalMs: 10_000,
        client: new CloudWatchClient({ region: 'us-east-1' }),
      },
      { clock, emit: (e) => events.push(e) },
    );
    expect(step).toMatchObject({ kind: 'bake', outcome: 'passed', startedAt: 0, finishedAt: 30_000 });
    expect(mock.commandCalls(DescribeAlarmsCommand)).toHaveLength(4);
    expect(events.filter((e) => e.type === 'alarm')).toHaveLength(1);
    mock.restore();
  });

  describe('a rollback tolerates the alarms already firing before it (tolerateFiringBefore)', () => {
    /** Bakes 3 reads long; `states` gives each read's state of alarms a and b. */
    async function bake(states: ReadonlyArray<{ a: string; b: string }>, tolerate: boolean) {
      const mock = mockClient(CloudWatchClient);
      let read = 0;
      mock.on(DescribeAlarmsCommand).callsFake(async () => {
        const state = states[Math.min(read++, states.length - 1)] ?? { a: 'OK', b: 'OK' };
        return {
          MetricAlarms: [
            { AlarmName: 'a', StateValue: state.a, StateReason: `a is ${state.a}` },
            { AlarmName: 'b', StateValue: state.b, StateReason: `b is ${state.b}` },
          ],
        };
      });
      let now = 0;
      const clock: Clock = {
        now: () => now,
        schedule(callback, ms) {
          now += ms;
          queueMicrotask(callback);
          return () => {};
        },
      };
      const gate = {
        names: ['a', 'b'],
        bakeMs: 20_000,
        intervalMs: 10_000,
        tolerateFiringBefore: tolerate,
        client: new CloudWatchClient({ region: 'us-east-1' }),
      };
      try {
        await checkAlarmsBeforeDeploy(gate);
        return await bakeWithAlarms(gate, { clock, emit: () => {}, firingBefore: ['a'] });
      } finally {
        mock.restore();
      }
    }

    it('is not refused and passes while the alarm that was firing stays in ALARM', async () => {
      const alarm = { a: 'ALARM', b: 'OK' };
      expect(await bake([alarm, alarm, alarm, alarm], true)).toMatchObject({ outcome: 'passed' });
    });

    it('fails when that alarm clears and fires again', async () => {
      const step = await bake(
        [
          { a: 'ALARM', b: 'OK' },
          { a: 'OK', b: 'OK' },
          { a: 'ALARM', b: 'OK' },
        ],
        true,
      );
      expect(step).toMatchObject({
        outcome: 'failed',
        reason: 'AlarmTriggered',
        message: 'alarm a is ALARM: a is ALARM',
      });
    });

    it('fails when another alarm fires', async () => {
      const step = await bake(
        [
          { a: 'ALARM', b: 'OK' },
          { a: 'ALARM', b: 'ALARM' },
        ],
        true,
      );
      expect(step).toMatchObject({ outcome: 'failed', message: 'alarm b is ALARM: b is ALARM' });
    });

    it('without it, a deploy is refused while an alarm is firing', async () => {
      await expect(bake([{ a: 'ALARM', b: 'OK' }], false)).rejects.toThrow(/not deploying: alarm a is ALARM/);
    });
  });
});
