import { describe, expect, it } from 'vitest';
import { planEnvironment, rolloutOptionsOf } from './plan.ts';

const base = { namespace: 'shop', cluster: { name: 'prod' } };

describe('planEnvironment', () => {
  it('defaults: 600 s, no lock wait, rollback on, no image, no region', () => {
    expect(planEnvironment(base)).toEqual({
      namespace: 'shop',
      image: undefined,
      timeoutMs: 600_000,
      lockWaitMs: 0,
      rollback: true,
      allowMassPrune: false,
    });
  });

  it('the caller wins over the environment, the environment over the runtime', () => {
    const settings = {
      ...base,
      timeoutSeconds: 900,
      lockWaitSeconds: 60,
      rollback: true,
      replicas: 3,
      maxRestarts: 2,
      unschedulableGraceSeconds: 30,
    };
    expect(
      planEnvironment(settings, { timeoutSeconds: 120, lockWaitSeconds: 5, rollback: false }),
    ).toMatchObject({ timeoutMs: 120_000, lockWaitMs: 5_000, rollback: false, replicas: 3 });
    expect(planEnvironment(settings)).toMatchObject({
      timeoutMs: 900_000,
      lockWaitMs: 60_000,
      rollback: true,
    });
    expect(planEnvironment({ ...settings, rollback: false }, { rollback: true }).rollback).toBe(false);
    expect(rolloutOptionsOf(planEnvironment(settings))).toEqual({
      timeoutMs: 900_000,
      rollback: true,
      allowMassPrune: false,
      maxRestarts: 2,
      unschedulableGraceMs: 30_000,
    });
  });

  it('a mass prune is allowed by the environment (allowMassPrune) or the caller (--allow-mass-prune)', () => {
    expect(planEnvironment({ ...base, allowMassPrune: true }).allowMassPrune).toBe(true);
    expect(planEnvironment(base, { allowMassPrune: true }).allowMassPrune).toBe(true);
    expect(planEnvironment({ ...base, allowMassPrune: false }).allowMassPrune).toBe(false);
  });

  it('regions: the cluster for the cluster, SSM its own, else each the other, else the runtime', () => {
    const both = planEnvironment(
      {
        ...base,
        cluster: { name: 'prod', region: 'eu-west-1' },
        ssm: { region: 'us-east-1', paths: ['/shop'] },
      },
      { region: 'ap-south-1' },
    );
    expect(both).toMatchObject({ region: 'eu-west-1', ssm: { region: 'us-east-1', paths: ['/shop'] } });
    const clusterOnly = planEnvironment(
      { ...base, cluster: { name: 'prod', region: 'eu-west-1' } },
      { region: 'x-1' },
    );
    expect(clusterOnly).toMatchObject({ region: 'eu-west-1', ssm: { region: 'eu-west-1' } });
    const ssmOnly = planEnvironment({ ...base, ssm: { region: 'us-east-2', names: ['/a'] } });
    expect(ssmOnly).toMatchObject({ region: 'us-east-2', ssm: { region: 'us-east-2', names: ['/a'] } });
    expect(planEnvironment(base, { region: 'ap-south-1' })).toMatchObject({ region: 'ap-south-1' });
  });

  it('image: an image wins over a tag, a tag over the commit; a tag needs the repository', () => {
    const repository = '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop';
    const plan = (inputs: Parameters<typeof planEnvironment>[1]) => planEnvironment(base, inputs).image;
    expect(plan({ image: 'x/y:1', tag: 't', sourceVersion: 'c', repository })).toEqual({ ref: 'x/y:1' });
    expect(plan({ tag: 't', sourceVersion: 'c', repository })).toEqual({ ref: `${repository}:t` });
    expect(plan({ sourceVersion: 'c', repository })).toEqual({ ref: `${repository}:c` });
    expect(plan({ tag: 't' })).toEqual({ tagWithoutRepository: 't' });
    expect(plan({ repository })).toBeUndefined();
  });
});
