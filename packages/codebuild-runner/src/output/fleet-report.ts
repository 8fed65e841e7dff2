// Pure: one report for a fleet run (or for per-cluster reports merged after a generated pipeline):
// the JSON document, the human table, the JUnit suites and the exported variables.
import { basename } from 'node:path';
import type { DeployResult, FleetClusterStatus, FleetOutcome, FleetResult } from '@kubeship/core';
import { EXIT, EXIT_CODE_OF } from '../exit-codes.ts';
import { keyValueLines } from './exports.ts';
import { escapeXml, junitReport } from './junit.ts';

/**
 * The exit codes from the least to the most severe: a fleet exits with its worst cluster's.
 * 5 (a human must look) over 4 (timed out or interrupted: the state may be half-way) over
 * 3 (a cluster could not be reached or authenticated) over 2 (bad input, nothing changed there)
 * over 1 (rolled back, the previous release healthy) over 0.
 */
export const EXIT_SEVERITY: readonly number[] = [
  EXIT.ok,
  EXIT.rolledBack,
  EXIT.badInput,
  EXIT.auth,
  EXIT.timeout,
  EXIT.needsHuman,
];

/** Pure: the most severe of `codes` by {@link EXIT_SEVERITY} (0 for none). */
export function worstExitCode(codes: readonly number[]): number {
  return codes.reduce(
    (worst, code) => (EXIT_SEVERITY.indexOf(code) > EXIT_SEVERITY.indexOf(worst) ? code : worst),
    EXIT.ok,
  );
}

type Code = keyof typeof EXIT_CODE_OF;

/** One cluster of a fleet report: where it stands, with its single-cluster report when it was deployed. */
export interface ClusterReport {
  readonly cluster: string;
  /** Its wave, from 1 (null when merged from a report that does not say). */
  readonly wave: number | null;
  readonly status: FleetClusterStatus;
  readonly exitCode: number;
  readonly code: string | null;
  readonly message: string;
  /** The single-cluster deploy's result (as `kubeship deploy --output json` reports it). */
  readonly result?: DeployResult;
  /** Putting it back on its previous release after its wave failed. */
  readonly revert?: DeployResult;
  /** The rest of its single-cluster report (command, image, events). */
  readonly [key: string]: unknown;
}

/** The report of a whole fleet. */
export interface FleetReport {
  readonly command: string;
  readonly environment: string;
  readonly outcome: FleetOutcome;
  readonly exitCode: number;
  readonly message: string;
  readonly failedWave: number | null;
  readonly image?: string;
  readonly clusters: readonly ClusterReport[];
}

/** What one cluster did, as the fleet runner or a single-cluster report says. */
export interface ClusterFacts {
  readonly status: FleetClusterStatus;
  readonly result?: DeployResult | undefined;
  readonly revert?: DeployResult | undefined;
  readonly error?: { readonly code: string } | undefined;
}

const exitOf = (code: string | undefined | null) =>
  code ? (EXIT_CODE_OF[code as Code] ?? EXIT.needsHuman) : EXIT.ok;

/**
 * Pure: a cluster's exit code. Deployed, kept and untouched: 0. Failed: its deploy's. Refused:
 * its error's. Reverted (healthy, put back after its wave failed): 1 when the revert is healthy,
 * else the revert's.
 */
export function clusterExitCode(facts: ClusterFacts): number {
  switch (facts.status) {
    case 'deployed':
    case 'kept':
    case 'untouched':
      return EXIT.ok;
    case 'failed':
      return exitOf(facts.result?.code ?? facts.error?.code ?? 'API_ERROR');
    case 'refused':
      return exitOf(facts.error?.code ?? 'API_ERROR');
    case 'reverted':
      return facts.error || facts.revert?.code
        ? exitOf(facts.error?.code ?? facts.revert?.code)
        : EXIT.rolledBack;
  }
}

/** Pure: the per-cluster table of the human summary. */
export function fleetTable(report: FleetReport): string {
  const rows = report.clusters.map((c) => [
    c.cluster,
    c.wave === null ? '-' : String(c.wave),
    c.status,
    String(c.exitCode),
    c.result ? `${c.result.previousRevision} -> ${c.result.revision}` : '-',
    c.message.replace(/\s+/g, ' '),
  ]);
  const header = ['cluster', 'wave', 'status', 'exit', 'release', 'message'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    `fleet ${report.environment}: ${report.outcome} (exit ${report.exitCode}): ${report.message}`,
    `  ${line(header)}`,
    ...rows.map((r) => `  ${line(r)}`),
  ].join('\n');
}

/**
 * Pure: the JUnit XML of a fleet: one testsuite per cluster (its deploy's test cases; a revert
 * as one more case; an untouched cluster as a skipped case, a refused one as an error).
 */
export function fleetJunit(report: FleetReport): string {
  const suites = report.clusters.map((c) => clusterSuite(c, report.environment));
  const sum = (key: 'tests' | 'failures' | 'errors') => suites.reduce((total, s) => total + s[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kubeship fleet ${escapeXml(report.environment)}" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}">`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

function clusterSuite(c: ClusterReport, environment: string) {
  const name = `kubeship deploy (${environment}/${c.cluster})`;
  if (c.result) {
    const lines = junitReport(c.result, { environment: `${environment}/${c.cluster}` }).split('\n');
    const start = lines.findIndex((l) => l.trimStart().startsWith('<testsuite '));
    const end = lines.findIndex((l) => l.trim() === '</testsuite>');
    const head = lines[start] ?? '';
    const count = (attribute: string) => Number(new RegExp(` ${attribute}="(\\d+)"`).exec(head)?.[1] ?? 0);
    const cases = lines.slice(start + 1, end);
    const revert = c.status === 'reverted' ? [revertCase(c, name)] : [];
    const failed = revert.length > 0 && c.exitCode !== EXIT.rolledBack ? 1 : 0;
    const tests = count('tests') + revert.length;
    const failures = count('failures') + failed;
    return {
      tests,
      failures,
      errors: 0,
      lines: [
        head
          .replace(/ tests="\d+"/, ` tests="${tests}"`)
          .replace(/ failures="\d+"/, ` failures="${failures}"`),
        ...cases,
        ...revert,
        '  </testsuite>',
      ],
    };
  }
  const body =
    c.status === 'untouched'
      ? `<skipped message="${escapeXml(c.message)}"/>`
      : `<error type="${escapeXml(c.code ?? c.status)}" message="${escapeXml(c.message)}"/>`;
  const errors = c.status === 'untouched' ? 0 : 1;
  return {
    tests: 1,
    failures: 0,
    errors,
    lines: [
      `  <testsuite name="${escapeXml(name)}" tests="1" failures="0" errors="${errors}"${c.status === 'untouched' ? ' skipped="1"' : ''}>`,
      `    <testcase classname="${escapeXml(name)}" name="${escapeXml(`${c.cluster} ${c.status}`)}">${body}</testcase>`,
      '  </testsuite>',
    ],
  };
}

function revertCase(c: ClusterReport, suite: string): string {
  const head = `    <testcase classname="${escapeXml(suite)}" name="${escapeXml(`${c.cluster} put back on its previous release (its wave failed)`)}">`;
  if (c.exitCode === EXIT.rolledBack) return `${head}</testcase>`;
  return `${head}<failure type="${escapeXml(c.code ?? 'ROLLBACK_FAILED')}" message="${escapeXml(c.message)}"/></testcase>`;
}

/**
 * Pure: `KEY=value` lines for exported-variables: the fleet's outcome and exit code, and the
 * clusters deployed (on the new release), rolled back (failed and put back, or reverted) and
 * untouched, each a comma-separated list.
 */
export function fleetExports(report: FleetReport): string {
  const named = (keep: (c: ClusterReport) => boolean) =>
    report.clusters
      .filter(keep)
      .map((c) => c.cluster)
      .join(',');
  const values: Record<string, string> = {
    KUBESHIP_IMAGE: report.image ?? '',
    KUBESHIP_FLEET_OUTCOME: report.outcome,
    KUBESHIP_EXIT_CODE: String(report.exitCode),
    KUBESHIP_CLUSTERS_DEPLOYED: named((c) => c.status === 'deployed' || c.status === 'kept'),
    KUBESHIP_CLUSTERS_ROLLED_BACK: named(
      (c) => c.status === 'reverted' || (c.status === 'failed' && c.result?.outcome === 'rolled-back'),
    ),
    KUBESHIP_CLUSTERS_FAILED: named((c) => c.exitCode !== EXIT.ok && c.status !== 'reverted'),
    KUBESHIP_CLUSTERS_UNTOUCHED: named((c) => c.status === 'untouched'),
  };
  return keyValueLines(values);
}

/** The single-cluster reports of a fleet run's clusters, by name (see `jsonReport`). */
export type SingleReports = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

/** Pure: the fleet report of a run, each cluster with its single-cluster report when it has one. */
export function fleetReportOf(
  run: Pick<FleetResult, 'outcome' | 'message' | 'clusters' | 'failedWave'>,
  context: { command: string; environment: string; image?: string | undefined; singles: SingleReports },
): FleetReport {
  const clusters = run.clusters.map((c): ClusterReport => {
    const exitCode = clusterExitCode(c);
    return {
      ...context.singles.get(c.cluster),
      cluster: c.cluster,
      wave: c.wave,
      status: c.status,
      exitCode,
      code: c.error?.code ?? c.revert?.code ?? c.result?.code ?? null,
      message: c.message,
      ...(c.result ? { result: c.result } : {}),
      ...(c.revert ? { revert: c.revert } : {}),
    };
  });
  return {
    command: context.command,
    environment: context.environment,
    outcome: run.outcome,
    exitCode: worstExitCode(clusters.map((c) => c.exitCode)),
    message: run.message,
    failedWave: run.failedWave ?? null,
    ...(context.image ? { image: context.image } : {}),
    clusters,
  };
}

/** A report file given to `kubeship report merge`: its name and parsed JSON. */
export interface ReportDocument {
  readonly file: string;
  readonly json: unknown;
}

/**
 * Pure: per-cluster JSON reports (`kubeship deploy --cluster <name> --output json`, or fleet
 * reports) merged into one fleet report. A single-cluster report is named by its `cluster` key,
 * else by its file name without the extension (`eu-west-1.json`). Throws a problem naming the
 * file that is not a kubeship deploy report, or a cluster reported twice.
 */
export function mergeReports(documents: readonly ReportDocument[]): FleetReport {
  const clusters = documents.flatMap(({ file, json }) => clustersOfDocument(file, json));
  const seen = new Set<string>();
  for (const c of clusters) {
    if (seen.has(c.cluster)) throw new Error(`cluster ${c.cluster} is in more than one report`);
    seen.add(c.cluster);
  }
  clusters.sort((a, b) => (a.wave ?? 0) - (b.wave ?? 0) || a.cluster.localeCompare(b.cluster));
  const first = documents[0]?.json as { environment?: unknown; command?: unknown } | undefined;
  const outcome: FleetOutcome = clusters.every((c) => c.status === 'deployed') ? 'deployed' : 'stopped';
  const failed = clusters.filter((c) => c.exitCode !== EXIT.ok);
  return {
    command: typeof first?.command === 'string' ? first.command : 'deploy',
    environment: typeof first?.environment === 'string' ? first.environment : '',
    outcome,
    exitCode: worstExitCode(clusters.map((c) => c.exitCode)),
    message:
      outcome === 'deployed'
        ? `all ${clusters.length} clusters deployed and healthy`
        : `${failed.map((c) => c.cluster).join(', ') || 'no cluster'} did not deploy`,
    failedWave: failed.reduce<number | null>(
      (w, c) => (w === null ? c.wave : Math.min(w, c.wave ?? w)),
      null,
    ),
    clusters,
  };
}

function clustersOfDocument(file: string, json: unknown): ClusterReport[] {
  const doc = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (Array.isArray(doc.clusters)) return doc.clusters as ClusterReport[];
  const exitCode = doc.exitCode;
  if (typeof exitCode !== 'number' || typeof doc.outcome !== 'string')
    throw new Error(
      `${file} is not a kubeship deploy report (--output json): it has no outcome and exitCode`,
    );
  const name = typeof doc.cluster === 'string' ? doc.cluster : basename(file).replace(/\.[^.]*$/, '');
  const result = doc.result as DeployResult | undefined;
  return [
    {
      ...doc,
      cluster: name,
      wave: typeof doc.wave === 'number' ? doc.wave : null,
      status: result?.outcome === 'deployed' ? 'deployed' : 'failed',
      exitCode,
      code: typeof doc.code === 'string' ? doc.code : null,
      message: typeof doc.message === 'string' ? doc.message : '',
    },
  ];
}
