import type { KubeObject } from '@kubeship/manifests';
import { loadYaml } from '@kubeship/manifests';
import { manifestCall } from '../_manifest-call.ts';

/** The objects a rendering tool produced from one of the user's files. */
export interface RenderedFile {
  /** Where the objects come from: `chart/templates/deployment.yaml`, or the overlay directory. */
  readonly file: string;
  readonly objects: readonly KubeObject[];
}

/**
 * Parses a tool's multi-document output, grouped by the file each document came from (Helm
 * writes `# Source: <chart>/templates/<file>` above each one); `fallback` names documents that
 * say nothing. YAML is read as kubectl reads it, and taken literally: `${VAR}` is no placeholder.
 */
export function parseRendered(text: string, fallback: string): RenderedFile[] {
  const groups = new Map<string, string[]>();
  for (const document of text.split(/^---[ \t]*$/m)) {
    if (document.trim() === '') continue;
    const file = /^# Source: (.+)$/m.exec(document)?.[1]?.trim() ?? fallback;
    groups.set(file, [...(groups.get(file) ?? []), document]);
  }
  return [...groups].map(([file, documents]) => ({
    file,
    objects: manifestCall(() => loadYaml(documents.join('\n---\n'), { file })),
  }));
}
