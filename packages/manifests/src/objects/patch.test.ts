import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../index.ts';
import { applyPatches, mergePatch } from './patch.ts';

describe('mergePatch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('merges %j with %j into %j', (target, patch, result) => {
    expect(mergePatch(target, patch)).toEqual(result);
  });
});

describe('applyPatches', () => {
  const object: KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c' },
    data: { a: '1' },
    list: [1, 2],
  };

  it.each([
    [[{ op: 'add', path: '/data/b', value: '2' }], { a: '1', b: '2' }, [1, 2]],
    [[{ op: 'add', path: '/list/0', value: 0 }], { a: '1' }, [0, 1, 2]],
    [[{ op: 'add', path: '/list/-', value: 3 }], { a: '1' }, [1, 2, 3]],
    [[{ op: 'remove', path: '/list/0' }], { a: '1' }, [2]],
    [[{ op: 'replace', path: '/data/a', value: 'x' }], { a: 'x' }, [1, 2]],
    [[{ op: 'add', path: '/data/a~1b~0c', value: 'y' }], { a: '1', 'a/b~c': 'y' }, [1, 2]],
    [
      [
        { op: 'test', path: '/list', value: [1, 2] },
        { op: 'remove', path: '/data/a' },
      ],
      {},
      [1, 2],
    ],
  ] as const)('applies %j', (ops, data, list) => {
    const result = applyPatches([object], [{ target: { kind: 'ConfigMap' }, ops }]);
    expect(result.issues).toEqual([]);
    expect(result.objects[0]).toMatchObject({ data, list });
    expect(object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { a: '1' },
      list: [1, 2],
    });
  });

  it.each([
    [{ op: 'remove', path: '/data/missing' }, '/data/missing: no value to remove'],
    [{ op: 'add', path: '/nope/x', value: 1 }, '/nope/x: no value at nope'],
    [{ op: 'add', path: '/list/5', value: 1 }, '/list/5: index out of range'],
    [{ op: 'replace', path: '/list/-', value: 1 }, '/list/-: index out of range'],
    [{ op: 'add', path: '/data/a/x', value: 1 }, '/data/a/x: the parent is not an object or array'],
    [{ op: 'add', path: '', value: 1 }, 'cannot patch the whole object; use a path below it'],
    [{ op: 'test', path: '/data/a', value: '2' }, '/data/a: test failed'],
  ] as const)('reports %j', (op, message) => {
    const result = applyPatches([object], [{ target: { kind: 'ConfigMap', name: 'c' }, ops: [op] }]);
    expect(result.issues).toEqual([{ path: 'patches[0].ops', message, object: 'ConfigMap/c' }]);
    expect(result.objects).toEqual([object]);
  });
});
