import { describe, expect, it } from 'vitest';
import { isDefiniteCreateFailure } from './_failure-kinds.ts';
import { quotaNeverFits } from './_quota.ts';

const refused = (quota: string, requested: string, used: string, limited: string) =>
  `pods "web-7d4b9c6f8-q8j4c" is forbidden: exceeded quota: ${quota}, requested: ${requested}, used: ${used}, limited: ${limited}`;

describe('quotaNeverFits', () => {
  it.each([
    ['pods: "0"', refused('no-pods', 'pods=1', 'pods=0', 'pods=0')],
    ['pods: "0" with pods still running', refused('no-pods', 'pods=1', 'pods=3', 'pods=0')],
    [
      'a pod bigger than the whole quota',
      refused('compute', 'limits.memory=2Gi', 'limits.memory=0', 'limits.memory=1Gi'),
    ],
    [
      'one of several resources too big',
      refused(
        'compute',
        'limits.cpu=500m,requests.cpu=3',
        'limits.cpu=1,requests.cpu=0',
        'limits.cpu=1,requests.cpu=2',
      ),
    ],
    [
      'millicores against cores',
      refused('compute', 'requests.cpu=2500m', 'requests.cpu=0', 'requests.cpu=2'),
    ],
  ])('%s can never fit: definite', (_, message) => {
    expect(quotaNeverFits(message)).toBe(true);
    expect(isDefiniteCreateFailure(message)).toBe(true);
  });

  it.each([
    ['others hold the quota', refused('compute', 'limits.cpu=500m', 'limits.cpu=2', 'limits.cpu=2')],
    [
      'the pod fits an empty quota exactly',
      refused('compute', 'limits.memory=1Gi', 'limits.memory=512Mi', 'limits.memory=1Gi'),
    ],
    ['pods counted by the old ReplicaSet', refused('pods', 'pods=1', 'pods=4', 'pods=4')],
  ])('%s may clear up: transient', (_, message) => {
    expect(quotaNeverFits(message)).toBe(false);
    expect(isDefiniteCreateFailure(message)).toBe(false);
  });

  it('is undefined for messages that are not quota refusals', () => {
    expect(quotaNeverFits('pods "x" is forbidden: violates PodSecurity "restricted:latest"')).toBeUndefined();
    expect(quotaNeverFits('exceeded quota: compute, requested: limits.cpu=lots, used: x, limited: y')).toBe(
      false,
    );
  });
});
