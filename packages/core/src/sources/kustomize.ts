import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { imagesOf, parseImageReference } from '@kubeship/manifests';
import { stringify } from 'yaml';
import { KubeshipError } from '../errors.ts';
import { parseRendered, type RenderedFile } from './_rendered.ts';
import { isMissingTool, runTool, type ToolRun } from './_tool-process.ts';

/** Options of {@link renderKustomization}. */
export interface KustomizeRenderOptions {
  /** The overlay (or base) directory, holding a kustomization.yaml. */
  readonly dir: string;
  /**
   * Set an image as `kustomize edit set image <name>=<reference>` would, without touching the
   * user's files: containers whose image is `name` (as the overlay renders it) get `reference`.
   */
  readonly image?: { readonly name: string; readonly reference: string };
  /**
   * The executable: `kustomize` (runs `kustomize build`) or `kubectl` (runs `kubectl kustomize`).
   * Default: `kustomize` on PATH, else `kubectl`.
   */
  readonly binary?: string;
  /** The build is killed after this long (default 60 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const DEFAULT_TIMEOUT_MS = 60_000;
const INSTALL = 'kustomize v5 (or kubectl, whose `kubectl kustomize` is used when kustomize is missing)';

/**
 * Renders a Kustomize overlay with `kustomize build` (or `kubectl kustomize`), time-bound. With
 * `image`, the overlay is built through a kustomization of kubeship's own, in a temporary
 * directory, that takes the overlay as its resource and sets the image: the user's files stay as
 * they are. A missing directory, a failed build (its message quoted) and an image no container
 * runs are INVALID_INPUT.
 */
export async function renderKustomization(options: KustomizeRenderOptions): Promise<RenderedFile[]> {
  const dir = resolve(options.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new KubeshipError('INVALID_INPUT', `the Kustomize directory ${options.dir} does not exist`, {
      details: { file: options.dir },
    });
  if (!KUSTOMIZATION_FILES.some((name) => existsSync(join(dir, name))))
    throw new KubeshipError(
      'INVALID_INPUT',
      `${options.dir} has no kustomization.yaml (nor kustomization.yml, Kustomization)`,
      { details: { file: options.dir } },
    );
  const wrapper = options.image ? imageWrapper(dir, options.image) : undefined;
  try {
    const { stdout } = await build(wrapper?.dir ?? dir, options);
    const files = parseRendered(stdout, options.dir);
    const expected = wrapper?.image;
    if (options.image && !files.some((f) => f.objects.some((o) => imagesOf(o).includes(expected ?? '')))) {
      throw new KubeshipError(
        'INVALID_INPUT',
        `${options.dir}: no container of the overlay runs the image ${options.image.name}, so ${options.image.reference} would change nothing`,
        { details: { file: options.dir, image: options.image.name } },
      );
    }
    return files;
  } finally {
    if (wrapper) rmSync(wrapper.dir, { recursive: true, force: true });
  }
}

async function build(target: string, options: KustomizeRenderOptions): Promise<{ stdout: string }> {
  const run = (command: string): ToolRun => ({
    command,
    args: basename(command) === 'kubectl' ? ['kustomize', target] : ['build', target],
    install: INSTALL,
    binaryKey: 'templates.kustomize.binary',
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (options.binary) return runTool(run(options.binary));
  try {
    return await runTool(run('kustomize'));
  } catch (error) {
    if (!isMissingTool(error)) throw error;
    return runTool(run('kubectl')).catch((fallback: unknown) => {
      throw isMissingTool(fallback)
        ? new KubeshipError(
            'INVALID_INPUT',
            `neither kustomize nor kubectl is installed (not found on PATH): install ${INSTALL}, or set templates.kustomize.binary to its path`,
            { details: { key: 'templates.kustomize.binary' } },
          )
        : fallback;
    });
  }
}

/**
 * A temporary kustomization that builds `dir` with the image set (kustomize takes only relative
 * roots), and the image reference kustomize will write (a digest replaces the tag).
 */
function imageWrapper(
  dir: string,
  image: { name: string; reference: string },
): { dir: string; image: string } {
  const wrapper = mkdtempSync(join(tmpdir(), 'kubeship-kustomize-'));
  const reference = parseImageReference(image.reference);
  const newName = reference.registry ? `${reference.registry}/${reference.repository}` : reference.repository;
  writeFileSync(
    join(wrapper, 'kustomization.yaml'),
    stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [relative(wrapper, dir)],
      images: [
        {
          name: image.name,
          newName,
          ...(reference.digest ? { digest: reference.digest } : { newTag: reference.tag ?? 'latest' }),
        },
      ],
    }),
  );
  return {
    dir: wrapper,
    image: reference.digest ? `${newName}@${reference.digest}` : `${newName}:${reference.tag ?? 'latest'}`,
  };
}
