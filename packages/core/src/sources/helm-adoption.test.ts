import { describe, expect, it } from 'vitest';
import { takeOverManagedFields, unionFields } from './helm-adoption.ts';

const TIME = '2026-12-02T00:00:00Z';

describe('takeOverManagedFields', () => {
  it('moves what Helm owns into one kubeship Apply entry and keeps the other managers', () => {
    const entries = [
      {
        manager: 'helm',
        operation: 'Update',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': {} } } } },
      },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'apps/v1',
        subresource: 'status',
        fieldsV1: { 'f:status': {} },
      },
      {
        manager: 'helm',
        operation: 'Update',
        subresource: 'status',
        fieldsV1: { 'f:status': { 'f:x': {} } },
      },
    ];
    expect(takeOverManagedFields(entries, 'apps/v1', TIME)).toEqual([
      entries[1],
      entries[2],
      {
        manager: 'kubeship',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: TIME,
        fieldsType: 'FieldsV1',
        fieldsV1: entries[0]?.fieldsV1,
      },
    ]);
  });

  it('merges with the Apply entry kubeship already has (Helm 4 applies server-side as "helm")', () => {
    const result = takeOverManagedFields(
      [
        {
          manager: 'helm',
          operation: 'Apply',
          fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:a': {} } } },
        },
        {
          manager: 'kubeship',
          operation: 'Apply',
          fieldsV1: { 'f:metadata': { 'f:labels': { 'f:b': {} } } },
        },
        { manager: 'kubeship', operation: 'Update', fieldsV1: { 'f:x': {} } },
      ],
      'v1',
      TIME,
    );
    expect(result).toHaveLength(2);
    expect(result?.[0]).toMatchObject({ manager: 'kubeship', operation: 'Update' });
    expect(result?.[1]?.fieldsV1).toEqual({
      'f:metadata': { 'f:annotations': { 'f:a': {} }, 'f:labels': { 'f:b': {} } },
    });
  });

  it('changes nothing when Helm owns nothing', () => {
    expect(takeOverManagedFields([{ manager: 'kubectl', operation: 'Update' }], 'v1', TIME)).toBeUndefined();
  });
});

describe('unionFields', () => {
  it('is the union of two field sets', () => {
    expect(
      unionFields({ 'f:a': { 'f:b': {} }, 'f:c': {} }, { 'f:a': { 'f:d': {} }, 'k:{"name":"x"}': {} }),
    ).toEqual({
      'f:a': { 'f:b': {}, 'f:d': {} },
      'f:c': {},
      'k:{"name":"x"}': {},
    });
    expect(unionFields(undefined, { 'f:a': {} })).toEqual({ 'f:a': {} });
  });
});
