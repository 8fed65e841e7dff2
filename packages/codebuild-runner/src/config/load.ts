import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KubeshipError } from '@kubeship/core/errors';
import { parse } from 'yaml';
import { MAX_CONFIG_FILE_BYTES, readTextFile } from '../input/files.ts';
import { configSchema, type KubeshipConfig } from './schema.ts';

/** The names a config file may have, in the order they are looked for. */
export const CONFIG_FILE_NAMES = [
  'kubeship.config.ts',
  'kubeship.config.mts',
  'kubeship.config.mjs',
  'kubeship.config.js',
  'kubeship.config.yaml',
  'kubeship.config.yml',
  'kubeship.config.json',
];

/** A loaded, validated config and where it came from. */
export interface LoadedConfig {
  readonly file: string;
  readonly config: KubeshipConfig;
}

/**
 * Finds (or takes) the config file, loads it (TypeScript and JavaScript by import, YAML and
 * JSON by parsing) and validates it; every problem is reported at once, naming file and key.
 */
export async function loadConfig(options: { cwd: string; file?: string }): Promise<LoadedConfig> {
  const file = options.file
    ? resolve(options.cwd, options.file)
    : CONFIG_FILE_NAMES.map((n) => resolve(options.cwd, n)).find(existsSync);
  if (!file) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `no config file in ${options.cwd} (looked for ${CONFIG_FILE_NAMES.join(', ')}); pass --config <file>`,
    );
  }
  if (!existsSync(file))
    throw new KubeshipError('INVALID_INPUT', `config file ${file} does not exist`, { details: { file } });
  const raw = await readConfigFile(file);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      key: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    }));
    throw new KubeshipError(
      'INVALID_INPUT',
      `${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${issues.map((i) => `  - ${i.key}: ${i.message}`).join('\n')}`,
      { details: { file, issues } },
    );
  }
  return { file, config: raw as KubeshipConfig };
}

async function readConfigFile(file: string): Promise<unknown> {
  const extension = extname(file);
  // size and encoding first, for every kind of file: an import would turn bad bytes into U+FFFD
  const text = readTextFile(file, { maxBytes: MAX_CONFIG_FILE_BYTES, what: 'config file' });
  try {
    if (['.ts', '.mts', '.mjs', '.js'].includes(extension)) {
      const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
      if (module.default === undefined)
        throw new Error('it has no default export (export default defineConfig({...}))');
      if (isThenable(module.default))
        throw new Error('its default export is a Promise: export the config object itself');
      return module.default;
    }
    return extension === '.json' ? JSON.parse(text) : parse(text, { prettyErrors: true });
  } catch (error) {
    throw new KubeshipError('INVALID_INPUT', `${file}: cannot load the config: ${(error as Error).message}`, {
      details: { file },
      cause: error,
    });
  }
}

function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
