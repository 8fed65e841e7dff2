import { resolve } from 'node:path';
import { isKubeshipError, type KubeshipError } from '@kubeship/core/errors';
import { type KubeObject, loadTemplates, type TemplateFile } from '@kubeship/manifests';
import { MAX_TEMPLATE_FILE_BYTES, readTextFile } from '../input/files.ts';
import { InputError } from '../input/problems.ts';

/** What {@link readTemplates} checks the templates against. */
export interface TemplateContext {
  readonly configFile: string;
  readonly cwd: string;
  readonly files: readonly string[];
  readonly variables: Readonly<Record<string, string>>;
  readonly namespace: string;
}

/**
 * Reads the template files (each at most 8 MiB, UTF-8, all read problems reported together) and
 * checks them as one set before anything is contacted: they must load (placeholders, YAML,
 * objects) and no object may be in two files. Returns the texts and the objects of each file.
 */
export function readTemplates(context: TemplateContext): {
  texts: TemplateFile[];
  loaded: Array<{ file: string; objects: KubeObject[] }>;
} {
  const failures: KubeshipError[] = [];
  const texts = context.files.flatMap((template) => {
    const file = resolve(context.cwd, template);
    try {
      const text = readTextFile(file, {
        maxBytes: MAX_TEMPLATE_FILE_BYTES,
        what: 'template file',
        key: `${context.configFile}: templates.files`,
      });
      return [{ file, text }];
    } catch (error) {
      if (!isKubeshipError(error)) throw error;
      failures.push(error);
      return [];
    }
  });
  const [first, ...more] = failures;
  if (first && more.length === 0) throw first;
  if (first)
    throw new InputError(
      'cannot read the templates',
      failures.map((f) => ({ where: String(f.details.file ?? 'templates.files'), message: f.message })),
    );

  const loaded = loadTemplates(texts, { variables: context.variables, defaultNamespace: context.namespace });
  return { texts, loaded };
}
