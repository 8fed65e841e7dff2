import * as YAML from 'yaml';
import { isRecord, type KubeObject } from '../_kube-object.ts';
import { misreadUnquoted } from './quote.ts';

/** Options of {@link toYaml}. */
export interface ToYamlOptions {
  /** Print Secret `data`/`stringData` values; by default they are replaced with `<redacted>`. */
  readonly revealSecrets?: boolean;
}

/** What a redacted Secret value reads as. */
export const REDACTED = '<redacted>';

const FIRST = ['apiVersion', 'kind', 'metadata', 'name', 'namespace'];
const rank = (key: string) => {
  const index = FIRST.indexOf(key);
  return index === -1 ? FIRST.length : index;
};
const byRankThenName = (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);

// A copy with keys in print order, without null/undefined values, and -0 as 0 (as JSON has it).
function ordered(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.filter((item) => item !== null && item !== undefined).map(ordered);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .filter((key) => value[key] !== null && value[key] !== undefined)
      .sort(byRankThenName)
      .map((key) => [key, ordered(value[key])]),
  );
}

function redacted(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret') return object;
  const hide = (data: unknown) =>
    isRecord(data) ? Object.fromEntries(Object.keys(data).map((key) => [key, REDACTED])) : data;
  return { ...object, data: hide(object.data), stringData: hide(object.stringData) };
}

function documentText(object: KubeObject): string {
  const document = new YAML.Document(ordered(object), { aliasDuplicateObjects: false });
  YAML.visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && misreadUnquoted(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return document.toString({ lineWidth: 0 });
}

/**
 * Prints objects as one YAML stream, deterministically: `apiVersion`, `kind`, `metadata` first, other keys
 * sorted (`name` first), `---` between documents, no nulls, and strings quoted wherever a YAML 1.1 reader
 * would misread them (`"on"`, `"0755"`, `"true"`). Secret values are redacted unless `revealSecrets`.
 */
export function toYaml(objects: readonly KubeObject[], options: ToYamlOptions = {}): string {
  return objects
    .map((object) => documentText(options.revealSecrets ? object : redacted(object)))
    .join('---\n');
}
