import { duplicates } from '../_duplicates.ts';
import { ManifestError, type ManifestIssue, manifestError, throwIfAny } from '../_errors.ts';
import { type KubeObject, objectIdentity } from '../_kube-object.ts';
import { type LoadYamlOptions, loadYaml } from './load-yaml.ts';

const NO_OBJECTS: ManifestIssue = {
  path: '',
  message:
    'the template file is empty or holds only comments: it would deploy nothing and prune what the app has; give it the objects, or remove it from templates.files',
};

/** One template file: its name (for errors) and its text. */
export interface TemplateFile {
  readonly file: string;
  readonly text: string;
}

/** Options of {@link loadTemplates}. */
export interface LoadTemplatesOptions extends Pick<LoadYamlOptions, 'variables'> {
  /** The namespace objects without one are deployed to: two such objects in two files are the same object. */
  readonly defaultNamespace?: string;
}

/**
 * Loads several template files as {@link loadYaml} does, and checks them as one set: a file
 * without any object (empty, or only comments) is an error naming it, since deploying it would
 * prune what the file used to hold; the same
 * object (group, kind, namespace, name) in two files is an error naming both files, since
 * whichever came last would silently win. Every file is loaded before anything is thrown, so
 * the one `ManifestError` lists the problems of all of them, each issue naming its file.
 */
export function loadTemplates(
  templates: readonly TemplateFile[],
  options: LoadTemplatesOptions = {},
): Array<{ file: string; objects: KubeObject[] }> {
  const loaded: Array<{ file: string; objects: KubeObject[] }> = [];
  const failures: ManifestError[] = [];
  for (const { file, text } of templates) {
    try {
      const objects = loadYaml(text, {
        file,
        ...(options.variables ? { variables: options.variables } : {}),
      });
      throwIfAny('INVALID_OBJECT', 'no Kubernetes objects', objects.length > 0 ? [] : [NO_OBJECTS], { file });
      loaded.push({ file, objects });
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      failures.push(error);
    }
  }
  const [first, ...more] = failures;
  if (first && more.length === 0) throw first;
  if (first) {
    const issues = failures.flatMap((failure) =>
      failure.issues.map((issue) => ({ ...issue, ...(failure.file ? { file: failure.file } : {}) })),
    );
    throw manifestError(first.code, `${failures.length} template files have problems`, issues);
  }

  const withNamespace = (object: KubeObject): KubeObject =>
    object.metadata.namespace || !options.defaultNamespace
      ? object
      : { ...object, metadata: { ...object.metadata, namespace: options.defaultNamespace } };
  const all = loaded.flatMap(({ file, objects }) => objects.map((object) => ({ file, object })));
  const twice: ManifestIssue[] = duplicates(
    all,
    (item) => objectIdentity(withNamespace(item.object)),
    (item, firstSeen) => ({
      path: '',
      message: `the same object is ${firstSeen.file === item.file ? 'twice in this file' : `also in ${firstSeen.file}`}: define it once`,
      object: `${item.object.kind}/${item.object.metadata.name}`,
      file: item.file,
    }),
  );
  if (twice.length > 0) throw manifestError('INVALID_OBJECT', 'objects defined in two template files', twice);
  return loaded;
}
