// Patches on rendered objects: JSON merge patch (RFC 7386) and JSON patch (RFC 6902: add, remove, replace, test).
import { isDeepStrictEqual } from 'node:util';
import type { ManifestIssue } from '../_errors.ts';
import { isRecord, type KubeObject } from '../_kube-object.ts';
import { formatPath } from '../_path.ts';

/** One JSON patch operation. */
export type PatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value?: unknown }
  | { readonly op: 'remove'; readonly path: string };

/** A patch of the objects of one kind (and name, when given). */
export type Patch = {
  readonly target: { readonly kind: string; readonly name?: string | undefined };
} & ({ readonly merge: Readonly<Record<string, unknown>> } | { readonly ops: readonly PatchOperation[] });

/** RFC 7386: objects merge recursively, `null` removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

class PatchFailure extends Error {}

const unescapeToken = (token: string) => token.replaceAll('~1', '/').replaceAll('~0', '~');

// Applies one operation to `document` in place; the root itself is never replaced.
function applyOperation(document: Record<string, unknown>, operation: PatchOperation): void {
  const tokens = operation.path.split('/').slice(1).map(unescapeToken);
  const last = tokens.pop();
  if (last === undefined) throw new PatchFailure('cannot patch the whole object; use a path below it');
  let parent: unknown = document;
  for (const token of tokens) {
    parent = Array.isArray(parent) ? parent[Number(token)] : isRecord(parent) ? parent[token] : undefined;
    if (parent === undefined) throw new PatchFailure(`${operation.path}: no value at ${token}`);
  }
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    const inRange =
      Number.isInteger(index) && index >= 0 && index <= parent.length - (operation.op === 'add' ? 0 : 1);
    if (!/^(\d+|-)$/.test(last) || !inRange) throw new PatchFailure(`${operation.path}: index out of range`);
    if (operation.op === 'add') parent.splice(index, 0, structuredClone(operation.value));
    else if (operation.op === 'remove') parent.splice(index, 1);
    else if (operation.op === 'replace') parent[index] = structuredClone(operation.value);
    else if (!isDeepStrictEqual(parent[index], operation.value))
      throw new PatchFailure(`${operation.path}: test failed`);
    return;
  }
  if (!isRecord(parent)) throw new PatchFailure(`${operation.path}: the parent is not an object or array`);
  const exists = Object.hasOwn(parent, last);
  if (operation.op !== 'add' && !exists)
    throw new PatchFailure(`${operation.path}: no value to ${operation.op}`);
  if (operation.op === 'remove') delete parent[last];
  else if (operation.op === 'test') {
    if (!isDeepStrictEqual(parent[last], operation.value))
      throw new PatchFailure(`${operation.path}: test failed`);
  } else parent[last] = structuredClone(operation.value);
}

/** Applies `patches` in order to copies of `objects`; every patch that fails or matches nothing is an issue. */
export function applyPatches(
  objects: readonly KubeObject[],
  patches: readonly Patch[],
): { objects: KubeObject[]; issues: ManifestIssue[] } {
  let current = objects.map((o) => structuredClone(o));
  const issues: ManifestIssue[] = [];
  patches.forEach((patch, index) => {
    const { kind, name } = patch.target;
    const matches = (o: KubeObject) => o.kind === kind && (name === undefined || o.metadata.name === name);
    const path = formatPath(['patches', index]);
    if (!current.some(matches)) {
      issues.push({ path: `${path}.target`, message: 'matches no rendered object', value: patch.target });
      return;
    }
    current = current.map((object) => {
      if (!matches(object)) return object;
      if ('merge' in patch) return mergePatch(object, patch.merge) as KubeObject;
      const copy = structuredClone(object);
      try {
        for (const operation of patch.ops) applyOperation(copy, operation);
        return copy;
      } catch (error) {
        if (!(error instanceof PatchFailure)) throw error;
        issues.push({
          path: `${path}.ops`,
          message: error.message,
          object: `${object.kind}/${object.metadata.name}`,
        });
        return object;
      }
    });
  });
  return { objects: current, issues };
}
