import * as YAML from 'yaml';
import { type ManifestIssue, throwIfAny } from '../_errors.ts';
import { type KubeObject, kindPrefix } from '../_kube-object.ts';
import { formatPath } from '../_path.ts';
import { objectIssues } from '../objects/checks.ts';
import { crossObjectIssues } from '../objects/set-checks.ts';
import { substituteDocument } from './substitute.ts';

/** Options of {@link loadYaml}. */
export interface LoadYamlOptions {
  /** The file the text came from; it names the file in errors. */
  readonly file?: string;
  /** Values for `${NAME}` placeholders; without it, the text is taken literally. */
  readonly variables?: Readonly<Record<string, string>>;
}

// kubectl reads YAML with go-yaml v2 (through sigs.k8s.io/yaml): YAML 1.1 booleans (`yes`) and
// octals (`0644`), but a plain scalar is a number only when Go's number parsing takes it. The
// yaml library's 1.1 schema reads more as numbers: `e2` (NaN, so null in JSON) and base-60
// `1:20` (80). Its float tests are narrowed to what Go parses, base 60 is left out, and dates
// stay strings.
const GO_EXPONENT_FLOAT = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$/;
const GO_DOT_FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/;

function asKubectlReads(tag: YAML.Tags[number]): YAML.Tags {
  if (typeof tag === 'string') return tag === 'timestamp' ? [] : [tag];
  if (tag.tag === 'tag:yaml.org,2002:timestamp' || tag.format === 'TIME') return [];
  if (tag.tag !== 'tag:yaml.org,2002:float' || !tag.test) return [tag];
  // the float tags: with an exponent, with a dot (`.inf` and `.nan` are left as they are)
  const narrowed = tag.format === 'EXP' ? GO_EXPONENT_FLOAT : tag.test.test('1.5') ? GO_DOT_FLOAT : undefined;
  return [narrowed ? ({ ...tag, test: narrowed } as YAML.ScalarTag) : tag];
}

const PARSE_OPTIONS = {
  version: '1.1',
  customTags: (tags: YAML.Tags) => tags.flatMap(asKubectlReads),
  prettyErrors: false,
  uniqueKeys: true,
} as const satisfies YAML.ParseOptions & YAML.DocumentOptions & YAML.SchemaOptions;

const MAX_ALIASES = 1000;

function readScalar(text: string): unknown {
  const document = YAML.parseDocument(text, PARSE_OPTIONS);
  return document.errors.length === 0 && YAML.isScalar(document.contents)
    ? document.contents.value
    : undefined;
}

// Aliases resolve here, so an unknown anchor or an alias bomb shows up now rather than while parsing.
function toValue(document: YAML.Document, number: number): { value: unknown } | { issue: ManifestIssue } {
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    return { issue: { path: '', message: error.message, document: number } };
  }
}

/**
 * Loads a multi-document YAML stream (such as a `k8s-deployment-template.yml`) into Kubernetes objects,
 * reading YAML as kubectl does. With `variables`, `${NAME}` placeholders in string values are substituted
 * first (one `UNRESOLVED_PLACEHOLDER` error lists every missing one; `$${` is a literal `${`). Empty
 * documents are skipped. Throws a `ManifestError` (`INVALID_YAML`, `UNRESOLVED_PLACEHOLDER`,
 * `INVALID_OBJECT`) whose issues name the document (1-based), the line or path, and the object; the text
 * itself is never quoted, so Secret values in it stay out of errors.
 */
export function loadYaml(text: string, options: LoadYamlOptions = {}): KubeObject[] {
  const { file, variables } = options;
  const lineCounter = new YAML.LineCounter();
  const documents = Array.from(YAML.parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter }));
  const syntax = documents.flatMap((document, index) =>
    document.errors.map((error) => ({
      path: '',
      message: error.message,
      document: index + 1,
      line: lineCounter.linePos(error.pos[0]).line,
    })),
  );
  if (syntax.length > 0) {
    // `{ value: ${DB} }`: in flow style `{` and `}` are syntax, and the tokenizer's dozens of
    // errors all come from the placeholder; say that once instead.
    const hints = flowPlaceholders(text);
    if (hints.length > 0) throwIfAny('INVALID_YAML', 'not valid YAML', hints, { file });
  }
  throwIfAny('INVALID_YAML', 'not valid YAML', syntax, { file });

  const unresolved = variables
    ? documents.flatMap((document, index) =>
        substituteDocument(document, variables, readScalar).map((u) => ({
          path: formatPath(u.path, kindPrefix(document.get('kind'))),
          message: u.malformed
            ? `malformed placeholder: write \${NAME} (letters, digits, '_'), or $\${ for a literal \${`
            : `no value for ${u.placeholder}`,
          value: u.placeholder,
          document: index + 1,
        })),
      )
    : [];
  const names = [...new Set(unresolved.map((u) => u.value))].join(', ');
  throwIfAny('UNRESOLVED_PLACEHOLDER', `unresolved placeholders ${names}`, unresolved, { file });

  const values = documents.map((document, index) => ({
    ...toValue(document, index + 1),
    document: index + 1,
  }));
  throwIfAny(
    'INVALID_YAML',
    'not valid YAML',
    values.flatMap((v) => ('issue' in v ? [v.issue] : [])),
    { file },
  );

  const loaded = values.flatMap((v) =>
    'value' in v && v.value !== null && v.value !== undefined ? [v] : [],
  );
  const perObject = loaded.flatMap(({ value, document }) =>
    objectIssues(value).map((issue) => ({ ...issue, document })),
  );
  throwIfAny('INVALID_OBJECT', 'invalid Kubernetes objects', perObject, { file });

  const items = loaded.map(({ value, document }) => ({ object: value as KubeObject, document }));
  throwIfAny('INVALID_OBJECT', 'invalid Kubernetes objects', crossObjectIssues(items), { file });
  return items.map(({ object }) => object);
}

/**
 * Unquoted `${NAME}` placeholders inside flow collections (`[...]`, `{...}`), one issue per line:
 * the braces of the placeholder break the flow syntax. Quotes and comments are followed along
 * the line; a flow collection left open on an earlier line counts.
 */
export function flowPlaceholders(text: string): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  let depth = 0;
  text.split(/\r?\n/).forEach((line, index) => {
    let quote: string | undefined;
    let found: string | undefined;
    for (let i = 0; i < line.length; i++) {
      const c = line[i] as string;
      if (quote) {
        if (c === quote && !(quote === '"' && line[i - 1] === '\\')) quote = undefined;
        continue;
      }
      if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) break;
      if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(line[i - 1] ?? ''))) quote = c;
      else if (c === '$' && line[i + 1] === '{') {
        const placeholder = /^\$\{[^}\s]*\}?/.exec(line.slice(i))?.[0] ?? '${';
        if (depth > 0 && line[i - 1] !== '$') found ??= placeholder;
        i += placeholder.length - 1;
      } else if (c === '[' || c === '{') depth++;
      else if ((c === ']' || c === '}') && depth > 0) depth--;
    }
    if (found !== undefined)
      issues.push({
        path: '',
        line: index + 1,
        message: `the placeholder ${found} is inside flow-style YAML ([...] or {...}), where { and } are syntax: quote it ("${found}") or write that part in block style`,
      });
  });
  return issues;
}
