// `mvn -B verify` on a copy of app/: unit tests (surefire), the WAR, and the failsafe test that runs
// the packaged WAR in an embedded Tomcat and gets 200 from /health. Then the image's runtime stage,
// rehearsed without a Docker daemon: the Dockerfile's RUN applied to the Tomcat distribution (prepared
// as the official image prepares it), ROOT.war served by catalina.sh as uid 10001, and every probe
// of the pod `kubeship render` renders replayed against it as the kubelet runs them
// (examples/tools/probe-replay.ts).
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { readYamlDocuments } from '../../tools/lint.ts';
import { type RenderedObject, replayPodProbes } from '../../tools/probe-replay.ts';
import { cliSource, exampleDir, expectExit, removeTemps, runProcess, tempDir } from './_helpers.ts';

afterAll(removeTemps);

interface SuiteTotals {
  files: number;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** Sums the counts of every TEST-*.xml report in `dir` (surefire and failsafe write the same format). */
function reportTotals(dir: string): SuiteTotals {
  const totals: SuiteTotals = { files: 0, tests: 0, failures: 0, errors: 0, skipped: 0 };
  if (!existsSync(dir)) return totals;
  for (const file of readdirSync(dir).filter((f) => /^TEST-.*\.xml$/.test(f))) {
    const xml = readFileSync(join(dir, file), 'utf8');
    const suite = /<testsuite\b[^>]*>/.exec(xml)?.[0] ?? '';
    const count = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 'NaN');
    totals.files += 1;
    totals.tests += count('tests');
    totals.failures += count('failures');
    totals.errors += count('errors');
    totals.skipped += count('skipped');
  }
  return totals;
}

/** Runs Maven asynchronously with its output in a file; resolves with the exit code. */
function mvn(args: readonly string[], cwd: string, logFile: string): Promise<number | null> {
  const log = openSync(logFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', [...args], { cwd, stdio: ['ignore', log, log], env: process.env });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

/** Where the first test built the WAR (the second test serves it). */
let builtWar = '';

describe('the Maven web application', () => {
  it('passes mvn -B verify: unit tests, WAR, and /health answering 200 in an embedded Tomcat', async () => {
    const work = tempDir('maven');
    cpSync(join(exampleDir, 'app/pom.xml'), join(work, 'pom.xml'));
    cpSync(join(exampleDir, 'app/src'), join(work, 'src'), { recursive: true });
    const log = join(work, 'mvn.log');

    const started = Date.now();
    const code = await mvn(['-B', '-ntp', '-Dbuild.commit=3f9c2ab', 'verify'], work, log);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const output = readFileSync(log, 'utf8');
    if (code !== 0)
      throw new Error(`mvn -B verify exited ${code} after ${seconds} s:\n${output.slice(-6000)}`);
    process.stderr.write(`[java-war] mvn -B verify: ${seconds} s\n`);

    const unit = reportTotals(join(work, 'target/surefire-reports'));
    expect(unit).toMatchObject({ failures: 0, errors: 0, skipped: 0 });
    expect(unit.files).toBeGreaterThanOrEqual(2);
    expect(unit.tests).toBeGreaterThanOrEqual(8);

    const integration = reportTotals(join(work, 'target/failsafe-reports'));
    expect(integration).toMatchObject({ files: 1, failures: 0, errors: 0, skipped: 0 });
    expect(integration.tests).toBeGreaterThanOrEqual(4);
    const tomcat = readFileSync(
      join(work, 'target/failsafe-reports/TEST-com.example.javawar.EmbeddedTomcatIT.xml'),
      'utf8',
    );
    expect(tomcat).toContain('name="healthAnswers200WithJson"');
    // ...and /health names the commit the build passed (-Dbuild.commit, the WAR's manifest).
    expect(tomcat).toContain('name="theWarCarriesItsBuildCommit"');
    expect(output).toContain('Starting Servlet engine: [Apache Tomcat/10.1.');

    // The WAR the Dockerfile copies: classes only (the servlet API is provided by Tomcat).
    const war = join(work, 'target/java-war.war');
    expect(existsSync(war)).toBe(true);
    builtWar = war;
    expect(existsSync(join(work, 'target/java-war/WEB-INF/lib'))).toBe(false);
  }, 600_000);
});

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The runtime stage's `RUN set -eux; ...` of the Dockerfile, as a bash script. */
function dockerfileRuntimeRun(): string {
  const lines = readFileSync(join(exampleDir, 'Dockerfile'), 'utf8').split('\n');
  const start = lines.findLastIndex((line) => line.startsWith('RUN set -eux;'));
  const end = lines.findIndex((line, i) => i >= start && !line.endsWith('\\'));
  return lines
    .slice(start, end + 1)
    .join('\n')
    .replace(/^RUN /, '');
}

describe('the runtime image, rehearsed without a Docker daemon', () => {
  it("applies the Dockerfile's Tomcat changes to the Tomcat distribution and serves ROOT.war as uid 10001", async () => {
    expect(builtWar, 'the WAR of the previous test').not.toBe('');
    const tomcatVersion = /<tomcat\.version>([^<]+)</.exec(
      readFileSync(join(exampleDir, 'app/pom.xml'), 'utf8'),
    )?.[1];
    expect(tomcatVersion).toMatch(/^10\.1\./);
    const root = tempDir('tomcat');
    chmodSync(root, 0o755); // uid 10001 must reach CATALINA_HOME inside it
    const home = join(root, 'tomcat');
    mkdirSync(home);
    const bash = (script: string, env: NodeJS.ProcessEnv = {}) =>
      runProcess('bash', ['-c', script], {
        cwd: home,
        env: { ...process.env, CATALINA_HOME: home, ...env },
        timeoutMs: 120_000,
      });

    // The Tomcat distribution from Maven Central (cached in ~/.m2), prepared as the official image prepares it.
    const fetched = await runProcess(
      'mvn',
      [
        '-B',
        '-ntp',
        '-q',
        'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy',
        `-Dartifact=org.apache.tomcat:tomcat:${tomcatVersion}:tar.gz`,
        `-DoutputDirectory=${root}`,
      ],
      { cwd: root, env: process.env, timeoutMs: 240_000 },
    );
    expectExit(fetched, 0, 'mvn dependency:copy of the Tomcat distribution');
    expectExit(
      await bash(
        `set -eux; tar -xzf "${root}/tomcat-${tomcatVersion}.tar.gz" --strip-components=1; rm bin/*.bat; mv webapps webapps.dist; mkdir webapps; chmod -R +rX .; chmod 1777 logs temp work`,
      ),
      0,
      'base image preparation',
    );

    // The Dockerfile's own RUN (user creation is the image's business: groupadd/useradd are no-ops here).
    const shims = tempDir('shims');
    for (const tool of ['groupadd', 'useradd']) {
      writeFileSync(join(shims, tool), '#!/bin/sh\nexit 0\n');
      chmodSync(join(shims, tool), 0o755);
    }
    const run = await bash(dockerfileRuntimeRun(), { PATH: `${shims}:${process.env.PATH}` });
    expectExit(run, 0, "the Dockerfile's RUN");
    copyFileSync(builtWar, join(home, 'webapps/ROOT.war'));
    chmodSync(join(home, 'webapps/ROOT.war'), 0o644);
    const serverXml = readFileSync(join(home, 'conf/server.xml'), 'utf8');
    expect(serverXml).toContain('unpackWARs="false" autoDeploy="false"');
    expect(serverXml).toContain('<Server port="-1"');
    // Test only: a free port instead of 8080.
    const port = await freePort();
    writeFileSync(
      join(home, 'conf/server.xml'),
      serverXml.replace('<Connector port="8080"', `<Connector port="${port}"`),
    );

    // USER 10001:10001; everything but work/, temp/ and logs/ belongs to root.
    const log = join(root, 'catalina.out');
    const out = openSync(log, 'w');
    const tomcat = spawn(
      'setpriv',
      ['--reuid=10001', '--regid=10001', '--clear-groups', '--', join(home, 'bin/catalina.sh'), 'run'],
      {
        cwd: home,
        stdio: ['ignore', out, out],
        env: {
          PATH: process.env.PATH,
          CATALINA_HOME: home,
          APP_ENV: 'rehearsal',
          GREETING: 'Hello from the image',
          DB_PASSWORD: 'rehearsal-password-never-shown',
          POD_NAME: 'java-war-rehearsal',
        },
      },
    );
    let exited: number | null | undefined;
    tomcat.on('exit', (code) => {
      exited = code;
    });
    try {
      const deadline = Date.now() + 60_000;
      let health: Response | undefined;
      while (Date.now() < deadline && exited === undefined) {
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        if (health) break;
        await sleep(250);
      }
      if (!health)
        throw new Error(`Tomcat did not answer (exit ${exited}):\n${readFileSync(log, 'utf8').slice(-4000)}`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'UP', environment: 'rehearsal', commit: '3f9c2ab' });
      const home200 = await fetch(`http://127.0.0.1:${port}/`);
      const page = await home200.text();
      expect(home200.status).toBe(200);
      expect(page).toContain('<h1>Hello from the image</h1>');
      expect(page).toContain('<dd id="db-password">configured</dd>');
      expect(page).not.toContain('rehearsal-password-never-shown');
      // Every probe of the pod kubeship renders (startup, readiness, liveness), as the kubelet runs them.
      const renderedFile = join(root, 'rendered.yaml');
      const render = await runProcess(
        process.execPath,
        [
          '--conditions=kubeship-source',
          cliSource,
          'render',
          '--env',
          'prod',
          '--image',
          '123456789012.dkr.ecr.us-east-1.amazonaws.com/java-war:3f9c2ab',
          '--out',
          renderedFile,
        ],
        { cwd: exampleDir, env: { PATH: process.env.PATH, HOME: root } },
      );
      expectExit(render, 0, 'kubeship render --env prod');
      const deployment = (readYamlDocuments(renderedFile) as RenderedObject[]).find(
        (o) => o.kind === 'Deployment',
      );
      if (!deployment) throw new Error('kubeship render printed no Deployment');
      const probes = await replayPodProbes(deployment, { ports: { 8080: port } });
      expect(probes.map((p) => p.kind).sort()).toEqual(['liveness', 'readiness', 'startup']);
      expect(
        probes.filter((p) => !p.success),
        JSON.stringify(probes),
      ).toEqual([]);
      // Served from the WAR file itself: nothing unpacked into webapps/.
      expect(readdirSync(join(home, 'webapps'))).toEqual(['ROOT.war']);
      // Tomcat ran as 10001 and wrote only to its work directory (and logs/, temp/).
      expect(statSync(join(home, 'work/Catalina/localhost/ROOT')).uid).toBe(10001);
      expect(readFileSync(log, 'utf8')).not.toMatch(/SEVERE/);
    } finally {
      tomcat.kill('SIGTERM');
      while (exited === undefined) await sleep(100);
    }
  }, 300_000);
});
