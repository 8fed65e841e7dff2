// Helpers shared by the CLI's unit tests (src/**/*.test.ts) and end-to-end tests (test/integration).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../src/io.ts';
import { type CliEnv, main } from '../src/main.ts';

/** What one CLI run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `main` in-process with a collecting io; `cwd` defaults to a fresh empty directory. */
export async function runMain(
  argv: readonly string[],
  options: { env?: CliEnv; cwd?: string; isTty?: boolean; signal?: AbortSignal } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTty: options.isTty ?? false,
    cwd: options.cwd ?? tempDir(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await main(argv, options.env ?? {}, io);
  return { code, stdout, stderr };
}

const dirs: string[] = [];

/** A new temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(prefix = 'kubeship-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Removes every directory {@link tempDir} made (call in afterAll). */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (name -> text) into `dir`; returns `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/**
 * Parses the small XML subset kubeship's JUnit writer produces (elements, attributes, text,
 * the five predefined entities, an optional declaration) into a tree; throws on anything
 * malformed, such as a closing tag that does not match.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};
const decode = (text: string) =>
  text.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '');

export function parseXml(xml: string): XmlElement {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const token = /<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let position = 0;
  while (position < body.length) {
    token.lastIndex = position;
    match = token.exec(body);
    if (!match) throw new Error(`malformed XML at ${position}: ${body.slice(position, position + 40)}`);
    position = token.lastIndex;
    const [, closing, opening, attributeText, selfClosing, text] = match;
    const top = stack.at(-1) as XmlElement;
    if (text !== undefined) {
      if (/&(?!(lt|gt|amp|quot|apos);)/.test(text)) throw new Error(`unescaped & in ${text}`);
      top.text += decode(text);
    } else if (closing !== undefined) {
      if (top.name !== closing) throw new Error(`</${closing}> closes <${top.name}>`);
      stack.pop();
    } else if (opening !== undefined) {
      const attributes = Object.fromEntries(
        [...(attributeText ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)].map(([, k, v]) => [k, decode(v ?? '')]),
      );
      const element: XmlElement = { name: opening, attributes, children: [], text: '' };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  const [documentElement, ...rest] = root.children;
  if (!documentElement || rest.length > 0) throw new Error('XML needs exactly one root element');
  return documentElement;
}

/** Parses `KEY=value` lines (the --exports file) into a record; throws on a malformed line. */
export function parseExports(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (!match) throw new Error(`not a KEY=value line: ${line}`);
      return [match[1] as string, match[2] as string] as const;
    });
  return Object.fromEntries(entries);
}
