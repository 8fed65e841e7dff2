import { describe, expect, it } from 'vitest';
import { deployed, firstDeployFailed, rolledBack, timedOut } from '../../test/fixtures.ts';
import { parseXml, type XmlElement } from '../../test/harness.ts';
import { junitReport } from './junit.ts';

const only = (element: XmlElement, name: string) => {
  const found = element.children.filter((c) => c.name === name);
  expect(found).toHaveLength(1);
  return found[0] as XmlElement;
};

describe('junitReport', () => {
  it('a healthy deploy: one suite, one passing test case per Deployment', () => {
    const xml = junitReport(deployed, { environment: 'test' });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const root = parseXml(xml);
    expect(root).toMatchObject({
      name: 'testsuites',
      attributes: { name: 'kubeship', tests: '1', failures: '0', time: '13.500' },
    });
    const suite = only(root, 'testsuite');
    expect(suite.attributes).toEqual({
      name: 'kubeship deploy (test)',
      tests: '1',
      failures: '0',
      errors: '0',
      time: '13.500',
      timestamp: '2026-11-02T10:00:00.000Z',
    });
    const testcase = only(suite, 'testcase');
    expect(testcase.attributes).toEqual({
      classname: 'kubeship deploy (test)',
      name: 'web-test/web rolls out 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1a2b3c4',
      time: '12.345',
    });
    expect(testcase.children).toEqual([]);
  });

  it('a rolled-back deploy: a failure with the reason and the evidence, all escaped', () => {
    const xml = junitReport(rolledBack, { environment: 'test & "prod"' });
    const root = parseXml(xml); // throws on unescaped markup
    const suite = only(root, 'testsuite');
    expect(suite.attributes.name).toBe('kubeship deploy (test & "prod")');
    expect(suite.attributes.failures).toBe('1');
    const failure = only(only(suite, 'testcase'), 'failure');
    expect(failure.attributes).toEqual({
      type: 'CrashLoopBackOff',
      message: 'failed: CrashLoopBackOff',
    });
    expect(failure.text.split('\n')).toEqual([
      'pod web-7d9c-abcde/web: CrashLoopBackOff: back-off 10s restarting failed container <web> & "friends"',
      "event Warning BackOff Pod/web-7d9c-abcde: Back-off restarting failed container 'web'",
      'log web-7d9c-abcde/web: Error: DB_HOST is not set',
      'log web-7d9c-abcde/web: exit 1',
      'logs web-7d9c-fghij/web: container has not started',
      'rollback to revision 5: healthy',
    ]);
  });

  it('several Deployments: counts and a failure only on the bad one, with the rollback error', () => {
    const root = parseXml(junitReport(firstDeployFailed, { environment: 'prod' }));
    expect(root.attributes).toMatchObject({ tests: '2', failures: '1' });
    const cases = only(root, 'testsuite').children;
    expect(cases.map((c) => c.attributes.name)).toEqual([
      `shop/api rolls out registry.local/api@sha256:${'b'.repeat(64)}`,
      'shop/worker rolls out registry.local/worker:1-crashloop, registry.local/sidecar:2',
    ]);
    expect(cases[0]?.children).toEqual([]);
    const failure = only(cases[1] as XmlElement, 'failure');
    expect(failure.text).toBe(
      'rollback to revision 0: deployment shop/worker has no earlier revision to roll back to (first deploy?)',
    );
  });

  it('a timeout or an interruption says what it was still waiting for, never "interrupted: interrupted"', () => {
    const root = parseXml(junitReport(timedOut, { environment: 'test' }));
    const failure = only(only(only(root, 'testsuite'), 'testcase'), 'failure');
    expect(failure.attributes).toEqual({
      type: 'RolloutTimeout',
      message: 'timeout: 1/3 updated, 0 ready, 0 available; waiting on web-7d4b9-x2k4p (not ready)',
    });
    expect(failure.text).toBe('');
    const [web] = timedOut.deployments;
    const interrupted = {
      ...timedOut,
      deployments: [{ ...web, verdict: 'interrupted', reason: 'Interrupted' } as NonNullable<typeof web>],
    };
    const stopped = only(
      only(only(parseXml(junitReport(interrupted, { environment: 'test' })), 'testsuite'), 'testcase'),
      'failure',
    );
    expect(stopped.attributes.message).toBe(
      'interrupted: 1/3 updated, 0 ready, 0 available; waiting on web-7d4b9-x2k4p (not ready)',
    );
  });

  it('each hook and gate step is a test case; a failed bake carries the alarm state reason', () => {
    const at = { startedAt: 0, finishedAt: 2_500 };
    const result = {
      ...rolledBack,
      steps: [
        { ...at, kind: 'hook', name: 'pre-deploy hook migrate', outcome: 'passed', message: 'completed' },
        {
          ...at,
          kind: 'bake',
          name: 'alarm bake',
          outcome: 'failed',
          reason: 'AlarmTriggered',
          message: 'alarm web-5xx is ALARM: Threshold Crossed',
          alarms: [
            { name: 'web-5xx', state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [7.0]', since: 0 },
          ],
        },
      ],
    } as const;
    const root = parseXml(junitReport(result, { environment: 'prod' }));
    expect(root.attributes).toMatchObject({ tests: '3', failures: '2' });
    const cases = only(root, 'testsuite').children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => [c.attributes.name, c.attributes.time, c.children.length])).toEqual([
      [expect.stringMatching(/rolls out/), expect.any(String), 1],
      ['pre-deploy hook migrate', '2.500', 0],
      ['alarm bake', '2.500', 1],
    ]);
    const failure = only(cases[2] as XmlElement, 'failure');
    expect(failure.attributes.type).toBe('AlarmTriggered');
    expect(failure.text).toMatch(/alarm web-5xx ALARM: Threshold Crossed: 1 datapoint \[7.0\]/);
  });

  it('a deploy without Deployments is an empty, valid suite', () => {
    const root = parseXml(junitReport({ ...deployed, deployments: [] }, { environment: 'test' }));
    expect(root.attributes).toMatchObject({ tests: '0', failures: '0' });
    expect(only(root, 'testsuite').children).toEqual([]);
  });
});
