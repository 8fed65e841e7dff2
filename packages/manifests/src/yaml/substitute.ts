// ${VAR} placeholders in the string scalars of a parsed YAML document (never in the raw text, so a value can
// not inject YAML structure).
import * as YAML from 'yaml';
import type { PathSegment } from '../_path.ts';

const PLACEHOLDER = /\$\$\{|\$\{([^}]*)(\})?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WHOLE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/** A placeholder that could not be substituted. */
export interface Unresolved {
  readonly path: readonly PathSegment[];
  readonly placeholder: string;
  readonly malformed: boolean;
}

function substituteText(
  text: string,
  variables: Readonly<Record<string, string>>,
  report: (placeholder: string, malformed: boolean) => void,
): string {
  return text.replace(PLACEHOLDER, (match, name: string | undefined, close: string | undefined) => {
    if (match === '$${') return '${';
    if (close === undefined || name === undefined || !NAME.test(name)) {
      report(match, true);
      return match;
    }
    if (!Object.hasOwn(variables, name)) {
      report(match, false);
      return match;
    }
    return variables[name] as string;
  });
}

/**
 * Substitutes placeholders in every string scalar (keys too) of `document`, in place. A plain scalar that
 * is exactly one placeholder is read again as YAML (so `replicas: ${REPLICAS}` becomes a number); quoted
 * ones stay strings. `$${` writes a literal `${`.
 */
export function substituteDocument(
  document: YAML.Document,
  variables: Readonly<Record<string, string>>,
  readScalar: (text: string) => unknown,
): Unresolved[] {
  const unresolved: Unresolved[] = [];
  const scalar = (node: YAML.Scalar, path: readonly PathSegment[], isKey: boolean) => {
    if (typeof node.value !== 'string' || !node.value.includes('$')) return;
    const original = node.value;
    const text = substituteText(original, variables, (placeholder, malformed) =>
      unresolved.push({ path, placeholder, malformed }),
    );
    const reread = !isKey && node.type === 'PLAIN' && WHOLE.test(original) ? readScalar(text) : undefined;
    node.value = typeof reread === 'number' || typeof reread === 'boolean' ? reread : text;
  };
  const visit = (node: unknown, path: readonly PathSegment[]): void => {
    if (YAML.isMap(node)) {
      for (const pair of node.items) {
        if (YAML.isScalar(pair.key)) scalar(pair.key, path, true);
        const key = YAML.isScalar(pair.key) ? String(pair.key.value) : '?';
        visit(pair.value, [...path, key]);
      }
    } else if (YAML.isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item, [...path, index]);
      });
    } else if (YAML.isScalar(node)) {
      scalar(node, path, false);
    }
  };
  visit(document.contents, []);
  return unresolved;
}
