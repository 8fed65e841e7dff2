import { type KubeObject, REDACTED, toYaml } from '@kubeship/manifests';
import { describeChange } from '../apply/plan.ts';
import { diffReleases } from '../release/diff.ts';
import type { ArchiveFile } from './tar.ts';

/** One Kubernetes event about an object of the release (its pods and ReplicaSets included). */
export interface BundleEvent {
  readonly object: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
}

/** The state of one container of a pod of the release, as its pod status says. */
export interface BundleContainer {
  readonly pod: string;
  readonly namespace: string;
  readonly container: string;
  readonly init: boolean;
  readonly image: string;
  readonly ready: boolean;
  readonly restartCount: number;
  readonly state: unknown;
  readonly lastState: unknown;
}

/** The log of one container instance (the running or last one, or the one before it). */
export interface BundleLog {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly instance: 'current' | 'previous';
  readonly text?: string;
  /** The log was longer than the bound: only its last bytes are here. */
  readonly truncated?: boolean;
  readonly unavailable?: string;
}

/** Everything an evidence bundle holds, before redaction. */
export interface BundleInput {
  readonly app: string;
  readonly namespace: string;
  readonly revision: number;
  readonly previousRevision: number;
  /** The JSON report of the release as kubeship saw it when the bundle was made. */
  readonly report: unknown;
  readonly events: readonly BundleEvent[];
  readonly containers: readonly BundleContainer[];
  readonly logs: readonly BundleLog[];
  /** The release as applied, and the previous release's objects (none for a first release). */
  readonly release: readonly KubeObject[];
  readonly previous: readonly KubeObject[];
  /** The bound of each log (bytes of one container instance). */
  readonly logLimitBytes: number;
  readonly createdAt: number;
}

/** Secret values shorter than this are not searched for: they would shred every file. */
const SHORTEST_SECRET = 4;

/**
 * Pure: the files of an evidence bundle: `README.txt` (what is here, the log bound),
 * `report.json`, `events.json`, `containers.json`, `logs/<namespace>/<pod>/<container>.<instance>.log`,
 * `release.yaml` (the release as applied), `diff.txt` (from the previous release). Secret data
 * is redacted in the YAML and the diff, and every value of every Secret of both releases (as
 * text, base64, base64url and hex) is replaced by `<redacted>` in every file, logs included.
 */
export function evidenceFiles(input: BundleInput): ArchiveFile[] {
  const secrets = secretValuesOf([...input.release, ...input.previous]);
  const logFiles = input.logs.map((log) => ({
    name: `logs/${log.namespace}/${log.pod}/${log.container}.${log.instance}.log`,
    content: log.unavailable
      ? `(${log.unavailable})\n`
      : `${log.truncated ? `(only the first ${input.logLimitBytes} bytes of a longer log)\n` : ''}${log.text ?? ''}`,
  }));
  const files: ArchiveFile[] = [
    { name: 'README.txt', content: readme(input) },
    { name: 'report.json', content: json(input.report) },
    { name: 'events.json', content: json(input.events) },
    { name: 'containers.json', content: json(input.containers) },
    ...logFiles,
    { name: 'release.yaml', content: toYaml(input.release) },
    { name: 'diff.txt', content: diffText(input) },
  ];
  return files.map((file) => ({ name: file.name, content: redactValues(String(file.content), secrets) }));
}

/** Pure: every value of the Secrets among `objects` (`data` decoded, `stringData` as is). */
export function secretValuesOf(objects: readonly KubeObject[]): string[] {
  const values = new Set<string>();
  for (const object of objects) {
    if (object.kind !== 'Secret') continue;
    const { data, stringData } = object as {
      data?: Record<string, string>;
      stringData?: Record<string, string>;
    };
    for (const value of Object.values(data ?? {})) values.add(Buffer.from(value, 'base64').toString('utf8'));
    for (const value of Object.values(stringData ?? {})) values.add(value);
  }
  return [...values].filter((value) => value.length >= SHORTEST_SECRET);
}

/** Pure: `text` with every secret value, and its base64, base64url and hex forms, replaced by `<redacted>`. */
export function redactValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    const bytes = Buffer.from(secret);
    const forms = [
      secret,
      bytes.toString('base64'),
      bytes.toString('base64').replace(/=+$/, ''),
      bytes.toString('base64url'),
      bytes.toString('hex'),
    ];
    for (const form of [...new Set(forms)].sort((a, b) => b.length - a.length))
      out = out.split(form).join(REDACTED);
  }
  return out;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function diffText(input: BundleInput): string {
  if (input.previous.length === 0)
    return `release ${input.revision} is the first release of ${input.app}: no diff\n`;
  const lines = diffReleases({ objects: input.previous }, { objects: input.release }).flatMap((d) =>
    d.action === 'unchanged'
      ? []
      : [`${d.action} ${d.id}`, ...d.changes.map((c) => `  ${describeChange(c)}`)],
  );
  return `release ${input.previousRevision} -> ${input.revision} of ${input.app}\n${lines.join('\n')}\n`;
}

function readme(input: BundleInput): string {
  return [
    `kubeship evidence of ${input.app} in ${input.namespace}, release ${input.revision} (previous ${input.previousRevision || 'none'})`,
    `made ${new Date(input.createdAt).toISOString()}, before any rollback`,
    '',
    'report.json      the release as kubeship saw it: changes, verdicts, gates, warnings',
    'events.json      events of every object of the release, its pods and ReplicaSets',
    'containers.json  the state and last state of every container of the release',
    `logs/            full logs of the failing containers, current and previous instance, each bounded to its first ${input.logLimitBytes} bytes`,
    'release.yaml     the release as applied (Secret data redacted)',
    'diff.txt         what changed from the previous release (Secret data redacted)',
    '',
    'Every Secret value of both releases is redacted in every file, logs included.',
    '',
  ].join('\n');
}
