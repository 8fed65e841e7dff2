// Linters shared by the examples' tests: cfn-lint, checkov, shellcheck, hadolint and a JSON Schema
// check of CodeBuild buildspecs, all from the Python venv that ensure-tools.sh builds (no npm dependency).
// Each helper runs its tool once over the files it is given and returns structured results, so a
// test can assert "no problems" and still print the tool's own output when it fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const toolsDir = fileURLToPath(new URL('.', import.meta.url));

/** The JSON Schema of a CodeBuild buildspec version 0.2 that {@link validateBuildspec} checks against. */
export const BUILDSPEC_SCHEMA = join(toolsDir, 'buildspec.schema.json');

let venv: string | undefined;

/**
 * The tools virtualenv's directory (cfn-lint, checkov, shellcheck, check-jsonschema in `bin/`),
 * created on the first call on a machine by `ensure-tools.sh` (about a minute) and cached per
 * process. `KUBESHIP_TOOLS_VENV` points at a ready venv instead.
 */
export function toolsVenv(): string {
  if (venv !== undefined) return venv;
  const result = spawnSync('bash', [join(toolsDir, 'ensure-tools.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const dir = result.stdout.trim();
  if (result.status !== 0 || !dir) {
    throw new Error(`ensure-tools.sh failed (exit ${result.status}):\n${result.stderr}`);
  }
  venv = dir;
  return venv;
}

interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runTool(tool: string, args: readonly string[], options: { cwd?: string } = {}): ToolRun {
  const bin = join(toolsVenv(), 'bin', tool);
  const result = spawnSync(bin, args, {
    encoding: 'utf8',
    cwd: options.cwd,
    maxBuffer: 64 * 1024 * 1024,
    // No telemetry, no update checks, no colours in what tests print.
    env: { ...process.env, NO_COLOR: '1', BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' },
  });
  if (result.error) throw new Error(`${tool} could not run: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function parseJson(tool: string, run: ToolRun): unknown {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`${tool} printed no JSON (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
}

/** One finding of cfn-lint. */
export interface CfnLintMatch {
  readonly rule: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** What cfn-lint found, by level, and its report as text (one line per finding). */
export interface CfnLintResult {
  readonly errors: CfnLintMatch[];
  readonly warnings: CfnLintMatch[];
  readonly informational: CfnLintMatch[];
  readonly output: string;
}

interface RawCfnLintMatch {
  Rule: { Id: string };
  Level: CfnLintMatch['level'];
  Filename: string;
  Location: { Start: { LineNumber: number } };
  Message: string;
}

/** Runs cfn-lint (every rule, every region's spec it defaults to) over CloudFormation templates. */
export function runCfnLint(files: readonly string[]): CfnLintResult {
  if (files.length === 0) throw new Error('runCfnLint: no templates given');
  const run = runTool('cfn-lint', ['--format', 'json', '--', ...files.map((f) => resolve(f))]);
  // Exit codes are a bit mask of levels (2 error, 4 warning, 8 info); 1 is a crash.
  if (run.status === 1 || run.status === null) {
    throw new Error(`cfn-lint failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  const matches = (parseJson('cfn-lint', run) as RawCfnLintMatch[]).map(
    (m): CfnLintMatch => ({
      rule: m.Rule.Id,
      level: m.Level,
      file: m.Filename,
      line: m.Location.Start.LineNumber,
      message: m.Message,
    }),
  );
  return {
    errors: matches.filter((m) => m.level === 'Error'),
    warnings: matches.filter((m) => m.level === 'Warning'),
    informational: matches.filter((m) => m.level === 'Informational'),
    output: matches.map((m) => `${m.file}:${m.line}: ${m.level} ${m.rule}: ${m.message}`).join('\n'),
  };
}

/** One checkov check result on one resource. */
export interface CheckovFinding {
  readonly checkId: string;
  readonly checkName: string;
  readonly resource: string;
  readonly file: string;
  /** The reason written in the template's `Metadata.checkov.skip` (skipped checks only). */
  readonly comment?: string;
}

/** What checkov's CloudFormation checks found. */
export interface CheckovResult {
  readonly passed: number;
  readonly failed: CheckovFinding[];
  /** Checks suppressed in the templates (`Metadata: checkov: skip: [{ id, comment }]`). */
  readonly skipped: CheckovFinding[];
  /** Files checkov could not parse (each is a failure too). */
  readonly parsingErrors: string[];
  readonly output: string;
}

interface RawCheckovCheck {
  check_id: string;
  check_name: string;
  resource: string;
  file_path: string;
  check_result?: { suppress_comment?: string };
}

interface RawCheckovReport {
  check_type?: string;
  results?: {
    passed_checks?: RawCheckovCheck[];
    failed_checks?: RawCheckovCheck[];
    skipped_checks?: RawCheckovCheck[];
    parsing_errors?: string[];
  };
}

/**
 * Runs checkov's CloudFormation framework over every template in `directory` (offline: no
 * platform download). Every failure must be fixed in the template or suppressed there with
 * `Metadata: { checkov: { skip: [{ id: CKV_AWS_..., comment: <why> }] } }`.
 */
export function runCheckov(directory: string): CheckovResult {
  const dir = resolve(directory);
  if (!existsSync(dir)) throw new Error(`runCheckov: ${dir} does not exist`);
  const run = runTool('checkov', [
    '--directory',
    dir,
    '--framework',
    'cloudformation',
    '--output',
    'json',
    '--skip-download',
  ]);
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`checkov failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  const parsed = parseJson('checkov', run) as RawCheckovReport | RawCheckovReport[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const finding = (c: RawCheckovCheck): CheckovFinding => ({
    checkId: c.check_id,
    checkName: c.check_name,
    resource: c.resource,
    file: join(dir, c.file_path),
    ...(c.check_result?.suppress_comment ? { comment: c.check_result.suppress_comment } : {}),
  });
  const all = (key: 'passed_checks' | 'failed_checks' | 'skipped_checks') =>
    reports.flatMap((r) => r.results?.[key] ?? []).map(finding);
  const failed = all('failed_checks');
  const skipped = all('skipped_checks');
  const parsingErrors = reports.flatMap((r) => r.results?.parsing_errors ?? []);
  const lines = [
    ...failed.map((f) => `FAILED ${f.checkId} ${f.resource} (${f.file}): ${f.checkName}`),
    ...skipped.map((f) => `skipped ${f.checkId} ${f.resource} (${f.file}): ${f.comment ?? '(no reason)'}`),
    ...parsingErrors.map((file) => `PARSING ERROR ${file}`),
  ];
  return { passed: all('passed_checks').length, failed, skipped, parsingErrors, output: lines.join('\n') };
}

/** One shellcheck finding. */
export interface ShellcheckProblem {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly level: 'error' | 'warning' | 'info' | 'style';
  readonly message: string;
}

/** What shellcheck found (every level, style included). */
export interface ShellcheckResult {
  readonly problems: ShellcheckProblem[];
  readonly output: string;
}

/** Runs shellcheck (all severities, following `source`d files) over shell scripts. */
export function runShellcheck(files: readonly string[]): ShellcheckResult {
  if (files.length === 0) throw new Error('runShellcheck: no scripts given');
  const run = runTool('shellcheck', [
    '--format',
    'json1',
    '--external-sources',
    ...files.map((f) => resolve(f)),
  ]);
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`shellcheck failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  const { comments } = parseJson('shellcheck', run) as {
    comments: Array<{
      file: string;
      line: number;
      code: number;
      level: ShellcheckProblem['level'];
      message: string;
    }>;
  };
  const problems = comments.map((c) => ({
    file: c.file,
    line: c.line,
    code: `SC${c.code}`,
    level: c.level,
    message: c.message,
  }));
  return {
    problems,
    output: problems.map((p) => `${p.file}:${p.line}: ${p.level} ${p.code}: ${p.message}`).join('\n'),
  };
}

/**
 * shellcheck on the commands of CodeBuild buildspecs: one bash script per buildspec, its phases'
 * commands in CodeBuild's order (one shell runs them all, so a variable set in pre_build is used in
 * build), named `<n>-<buildspec file>.sh` in the findings (n: its place in `files`).
 */
export function shellcheckBuildspecs(files: readonly string[]): ShellcheckResult {
  const order = ['install', 'pre_build', 'build', 'post_build'];
  const dir = mkdtempSync(join(tmpdir(), 'buildspec-shellcheck-'));
  try {
    const scripts = files.map((file, index) => {
      const spec = readYaml(file) as { phases?: Record<string, { commands?: string[] }> };
      const commands = order.flatMap((phase) => spec.phases?.[phase]?.commands ?? []);
      const script = join(dir, `${index + 1}-${basename(file)}.sh`);
      writeFileSync(script, ['#!/usr/bin/env bash', ...commands, ''].join('\n'));
      return script;
    });
    return runShellcheck(scripts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One hadolint finding. */
export interface HadolintProblem {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly level: 'error' | 'warning' | 'info' | 'style';
  readonly message: string;
}

/** What hadolint found (every level, style included). */
export interface HadolintResult {
  readonly problems: HadolintProblem[];
  readonly output: string;
}

/**
 * Runs hadolint over Dockerfiles, with its shellcheck pass on RUN instructions. `ignore` lists
 * rule codes to leave out (say why where you call it).
 */
export function runHadolint(
  files: readonly string[],
  options: { ignore?: readonly string[] } = {},
): HadolintResult {
  if (files.length === 0) throw new Error('runHadolint: no Dockerfiles given');
  const ignore = (options.ignore ?? []).flatMap((code) => ['--ignore', code]);
  const run = runTool('hadolint', [
    '--format',
    'json',
    '--no-color',
    '--failure-threshold',
    'none',
    ...ignore,
    ...files.map((f) => resolve(f)),
  ]);
  if (run.status !== 0)
    throw new Error(`hadolint failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  const problems = (parseJson('hadolint', run) as HadolintProblem[]).map((p) => ({
    file: p.file,
    line: p.line,
    code: p.code,
    level: p.level,
    message: p.message,
  }));
  return {
    problems,
    output: problems.map((p) => `${p.file}:${p.line}: ${p.level} ${p.code}: ${p.message}`).join('\n'),
  };
}

/**
 * Validates a buildspec file (YAML) against {@link BUILDSPEC_SCHEMA} with check-jsonschema and
 * returns its problems as `path: message` lines; an empty array means valid.
 */
export function validateBuildspec(file: string): string[] {
  const run = runTool('check-jsonschema', [
    '--schemafile',
    BUILDSPEC_SCHEMA,
    '--output-format',
    'json',
    '--color',
    'never',
    resolve(file),
  ]);
  const report = parseJson('check-jsonschema', run) as {
    status: 'ok' | 'fail';
    errors?: Array<{ path: string; message: string }>;
    parse_errors?: Array<{ message?: string }>;
  };
  const problems = [
    ...(report.parse_errors ?? []).map((e) => `cannot parse: ${e.message ?? JSON.stringify(e)}`),
    ...(report.errors ?? []).map((e) => `${e.path}: ${e.message}`),
  ];
  if (report.status !== 'ok' && problems.length === 0) problems.push(`invalid (exit ${run.status})`);
  return problems;
}

/**
 * Reads every document of a YAML file (YAML 1.1, as PyYAML's safe loader reads it) into plain
 * JSON data with the tools venv's Python, so tests can look inside buildspecs, manifests and
 * templates without an npm YAML dependency. CloudFormation short-form tags (`!Ref`, `!Sub`, ...)
 * become `{ "Ref": ... }`, `{ "Fn::Sub": ... }` objects.
 */
export function readYamlDocuments(file: string): unknown[] {
  const script = [
    'import json, sys, yaml',
    'class Loader(yaml.SafeLoader): pass',
    'def tag(loader, suffix, node):',
    '    name = suffix if suffix == "Ref" else "Fn::" + suffix',
    '    if isinstance(node, yaml.ScalarNode): value = loader.construct_scalar(node)',
    '    elif isinstance(node, yaml.SequenceNode): value = loader.construct_sequence(node, deep=True)',
    '    else: value = loader.construct_mapping(node, deep=True)',
    '    if name == "Fn::GetAtt" and isinstance(value, str): value = value.split(".", 1)',
    '    return {name: value}',
    'Loader.add_multi_constructor("!", tag)',
    'docs = [d for d in yaml.load_all(open(sys.argv[1]), Loader=Loader) if d is not None]',
    'print(json.dumps(docs, default=str))',
  ].join('\n');
  const run = runTool('python', ['-c', script, resolve(file)]);
  if (run.status !== 0) throw new Error(`cannot read ${file} as YAML:\n${run.stderr}`);
  return JSON.parse(run.stdout) as unknown[];
}

/** Reads a single-document YAML file (see {@link readYamlDocuments}). */
export function readYaml(file: string): unknown {
  const documents = readYamlDocuments(file);
  if (documents.length !== 1) throw new Error(`${file} has ${documents.length} YAML documents, not 1`);
  return documents[0];
}

/** One test case of a JUnit XML report. */
export interface JunitCase {
  readonly classname: string;
  readonly name: string;
  readonly failure?: string;
  readonly error?: string;
}

/** A JUnit XML report as CodeBuild's JUNITXML reader sees it: totals and the test cases. */
export interface JunitReport {
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly cases: JunitCase[];
}

/**
 * Parses a JUnit XML report with a real XML parser (Python's xml.etree, from the tools venv);
 * throws when the file is not well-formed XML. Accepts `<testsuites>` or a single `<testsuite>`.
 */
export function readJunit(file: string): JunitReport {
  const script = [
    'import json, sys, xml.etree.ElementTree as ET',
    'root = ET.parse(sys.argv[1]).getroot()',
    'suites = [root] if root.tag == "testsuite" else root.findall("testsuite")',
    'cases = []',
    'for suite in suites:',
    '    for case in suite.iter("testcase"):',
    '        item = {"classname": case.get("classname", ""), "name": case.get("name", "")}',
    '        for kind in ("failure", "error"):',
    '            found = case.find(kind)',
    '            if found is not None: item[kind] = (found.get("message") or "") + "\\n" + (found.text or "")',
    '        cases.append(item)',
    'total = lambda key: sum(int(s.get(key, "0")) for s in suites)',
    'print(json.dumps({"tests": total("tests"), "failures": total("failures"), "errors": total("errors"), "cases": cases}))',
  ].join('\n');
  const run = runTool('python', ['-c', script, resolve(file)]);
  if (run.status !== 0) throw new Error(`${file} is not a readable JUnit XML report:\n${run.stderr}`);
  return JSON.parse(run.stdout) as JunitReport;
}

/** The EKS support calendar (one file: eks-support-calendar.json). */
export const EKS_SUPPORT_CALENDAR = join(toolsDir, 'eks-support-calendar.json');

/**
 * Checks every `AWS::EKS::Cluster` of CloudFormation templates: its version (the literal, or the
 * default of the parameter it `Ref`s) must be in the support calendar and still in standard support
 * on `today`, and its `UpgradePolicy.SupportType` must be `STANDARD` (EKS's default is EXTENDED,
 * billed at 6x the control plane's price once standard support ends). Returns the problems, one
 * line each naming the file and resource; empty when all is well.
 */
export function checkEksVersionDefaults(files: readonly string[], today: Date = new Date()): string[] {
  const calendar = (
    JSON.parse(readFileSync(EKS_SUPPORT_CALENDAR, 'utf8')) as {
      versions: Record<string, { standardSupportEnds: string }>;
    }
  ).versions;
  const day = today.toISOString().slice(0, 10);
  const problems: string[] = [];
  for (const file of files) {
    const template = readYaml(file) as {
      Parameters?: Record<string, { Default?: unknown }>;
      Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
    };
    for (const [name, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::EKS::Cluster') continue;
      const where = `${file}: ${name}`;
      const declared = resource.Properties?.Version;
      const ref = (declared as { Ref?: string } | undefined)?.Ref;
      const version = String(ref ? (template.Parameters?.[ref]?.Default ?? '') : (declared ?? ''));
      const ends = calendar[version]?.standardSupportEnds;
      if (!version) problems.push(`${where}: no Kubernetes version (or no default for ${ref})`);
      else if (!ends) problems.push(`${where}: Kubernetes ${version} is not in ${EKS_SUPPORT_CALENDAR}`);
      else if (ends < day)
        problems.push(
          `${where}: the default Kubernetes ${version} left EKS standard support on ${ends}: new clusters bill extended support`,
        );
      const policy = resource.Properties?.UpgradePolicy as { SupportType?: unknown } | undefined;
      if (policy?.SupportType !== 'STANDARD')
        problems.push(`${where}: UpgradePolicy.SupportType must be STANDARD (EKS defaults to EXTENDED)`);
    }
  }
  return problems;
}
