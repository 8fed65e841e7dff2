import { type DeployResult, doomedSubject, type ReleaseStep } from '@kubeship/core';

/** Escapes the five XML special characters. */
export const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );

/**
 * Pure: the deploy's verification as a JUnit XML report: one test case per Deployment (passed
 * when it rolled out healthy; failed with the reason and evidence otherwise), so CodeBuild's
 * test reports show the deploy next to the build's own tests.
 */
export function junitReport(result: DeployResult, context: { environment: string }): string {
  const suite = `kubeship deploy (${context.environment})`;
  const workloads = result.deployments.map((d) => {
    const time = ((result.durationsMs.rollout ?? 0) / 1000).toFixed(3);
    const head = `    <testcase classname="${escapeXml(suite)}" name="${escapeXml(`${d.namespace}/${d.name} rolls out ${d.images.join(', ')}`)}" time="${time}">`;
    if (d.verdict === 'complete') return `${head}</testcase>`;
    const evidence = [
      ...(d.evidence?.doomed ?? []).map(
        (p) => `${doomedSubject(p)}${p.container ? `/${p.container}` : ''}: ${p.reason}: ${p.message}`,
      ),
      ...(d.evidence?.events ?? []).map((e) => `event ${e.type} ${e.reason} ${e.object}: ${e.message}`),
      ...(d.evidence?.logs ?? []).flatMap((l) =>
        l.unavailable
          ? [`logs ${l.pod}/${l.container}: ${l.unavailable}`]
          : (l.lines ?? []).map((line) => `log ${l.pod}/${l.container}: ${line}`),
      ),
      ...(d.rollback
        ? [
            `rollback to revision ${d.rollback.toRevision}: ${d.rollback.healthy ? 'healthy' : (d.rollback.error ?? 'not healthy')}`,
          ]
        : []),
    ].join('\n');
    // a failure names its cause; a timeout or an interruption what it was still waiting for
    const why = d.verdict === 'failed' ? (d.reason ?? 'failed') : (d.summary ?? d.reason ?? d.verdict);
    return `${head}\n      <failure type="${escapeXml(d.reason ?? d.verdict)}" message="${escapeXml(`${d.verdict}: ${why}`)}">${escapeXml(evidence)}</failure>\n    </testcase>`;
  });
  const cases = [...workloads, ...(result.steps ?? []).map((step) => stepCase(step, suite))];
  const tests = result.deployments.length + (result.steps ?? []).length;
  const failures =
    result.deployments.filter((d) => d.verdict !== 'complete').length +
    (result.steps ?? []).filter((step) => step.outcome !== 'passed').length;
  const seconds = ((result.finishedAt - result.startedAt) / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kubeship" tests="${tests}" failures="${failures}" time="${seconds}">`,
    `  <testsuite name="${escapeXml(suite)}" tests="${tests}" failures="${failures}" errors="0" time="${seconds}" timestamp="${new Date(result.startedAt).toISOString()}">`,
    ...evidenceProperties(result),
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** A hook or gate step as a test case: failed with its reason, alarm state reasons and log lines. */
function stepCase(step: ReleaseStep, suite: string): string {
  const time = ((step.finishedAt - step.startedAt) / 1000).toFixed(3);
  const head = `    <testcase classname="${escapeXml(suite)}" name="${escapeXml(step.name)}" time="${time}">`;
  if (step.outcome === 'passed') return `${head}</testcase>`;
  const details = [
    step.message,
    ...(step.alarms ?? []).map((a) => `alarm ${a.name} ${a.state}: ${a.reason}`),
    ...(step.evidence?.logs ?? []).flatMap((l) =>
      (l.lines ?? []).map((line) => `log ${l.pod}/${l.container}: ${line}`),
    ),
  ].join('\n');
  const type = step.reason ?? step.outcome;
  return `${head}\n      <failure type="${escapeXml(type)}" message="${escapeXml(`${step.outcome}: ${type}`)}">${escapeXml(details)}</failure>\n    </testcase>`;
}

/** The evidence bundle's location as suite properties (JUnit's place for run metadata). */
function evidenceProperties(result: DeployResult): string[] {
  const bundle = result.evidenceBundle;
  if (!bundle) return [];
  const properties = [
    ...(bundle.url ? [['kubeship.evidence.url', bundle.url]] : []),
    ...(bundle.path ? [['kubeship.evidence.path', bundle.path]] : []),
  ].map(([name, value]) => `      <property name="${name}" value="${escapeXml(value ?? '')}"/>`);
  return ['    <properties>', ...properties, '    </properties>'];
}
