import { resolve } from 'node:path';
import { configObjectNames, isKubeshipError, type KubeshipError } from '@kubeship/core';
import { loadTemplates, type TemplateFile } from '@kubeship/manifests';
import { MAX_TEMPLATE_FILE_BYTES, readTextFile } from '../input/files.ts';
import { InputError } from '../input/problems.ts';

/** What {@link readTemplates} checks the templates against. */
export interface TemplateContext {
  readonly configFile: string;
  readonly cwd: string;
  readonly files: readonly string[];
  readonly variables: Readonly<Record<string, string>>;
  readonly app: string;
  readonly namespace: string;
  /** The environment reads SSM, so kubeship builds `<app>-config` and `<app>-secrets`. */
  readonly readsSsm: boolean;
}

/**
 * Reads the template files (each at most 8 MiB, UTF-8, all read problems reported together) and
 * checks them as one set before anything is contacted: they must load (placeholders, YAML,
 * objects), no object may be in two files, and none may take the name of a ConfigMap or Secret
 * kubeship builds from SSM (it would silently replace the SSM values). Returns the texts.
 */
export function readTemplates(context: TemplateContext): TemplateFile[] {
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
  if (context.readsSsm) {
    const names = configObjectNames(context.app);
    const reserved = { ConfigMap: names.configMap, Secret: names.secret } as Record<string, string>;
    const taken = loaded.flatMap(({ file, objects }) =>
      objects
        .filter((o) => o.apiVersion === 'v1' && reserved[o.kind] === o.metadata.name)
        .filter((o) => (o.metadata.namespace ?? context.namespace) === context.namespace)
        .map((o) => ({
          where: file,
          message: `${o.kind} ${o.metadata.name} has the name of the ${o.kind} kubeship builds from the SSM parameters of this environment, and would replace it: rename it`,
        })),
    );
    if (taken.length > 0)
      throw new InputError('templates collide with the SSM config', taken, 'CONFIG_COLLISION');
  }
  return texts;
}
