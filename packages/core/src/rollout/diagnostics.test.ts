import { describe, expect, it } from 'vitest';
import { collapseEvents } from './diagnostics.ts';

describe('evidence events', () => {
  it('collapses identical FailedCreate events into one line with their counts added', () => {
    const refused = {
      object: 'ReplicaSet/web-7d4b9c6f8',
      type: 'Warning',
      reason: 'FailedCreate',
      message: 'Error creating: pods "web-7d4b9c6f8-" is forbidden: violates PodSecurity "restricted:latest"',
    };
    const scaled = {
      object: 'Deployment/web',
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: 'Scaled up',
      count: 1,
    };
    expect(
      collapseEvents([
        { ...refused, count: 1, lastSeen: '2026-11-22T12:00:01.000Z' },
        scaled,
        { ...refused, count: 3, lastSeen: '2026-11-22T12:00:04.000Z' },
        { ...refused, count: 2, lastSeen: '2026-11-22T12:00:02.000Z' },
      ]),
    ).toEqual([{ ...refused, count: 6, lastSeen: '2026-11-22T12:00:04.000Z' }, scaled]);
  });
});
