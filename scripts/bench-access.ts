// `./dev bench --only access`: what the pre-flight access review costs on a 20-object release
// (6 Deployments, 6 Services, 6 ConfigMaps, 2 Secrets), measured in-process against the bench's
// testbed: the whole review (discovery of the kinds, the history read, the rules review of the
// namespace, one SelfSubjectAccessReview per right those rules do not grant, as many at a time as
// the request limit lets). A first run, then the median and slowest of 20 more.
// Run by scripts/bench.ts as `node --conditions=kubeship-source scripts/bench-access.ts` with
// KUBECONFIG naming the testbed's admin kubeconfig; prints one markdown table row.
import { readFileSync } from 'node:fs';
import { reviewReleaseAccess } from '../packages/core/src/access/review.ts';
import { connectWithKubeconfig } from '../packages/core/src/auth/index.ts';
import { systemClock } from '../packages/core/src/clock.ts';
import type { KubeObject } from '../packages/manifests/src/index.ts';

const RUNS = 20;

function release(namespace: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let i = 0; i < 6; i++) {
    const labels = { app: `web-${i}` };
    objects.push(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `web-${i}`, namespace },
        data: { INDEX: String(i) },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `web-${i}`, namespace },
        spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `web-${i}`, namespace },
        spec: {
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] },
          },
        },
      },
    );
  }
  for (let i = 0; i < 2; i++)
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `web-${i}`, namespace },
      data: { K: 'dg==' },
    });
  return objects;
}

/** Runs the access review of a 20-object release 1 + {@link RUNS} times; returns a markdown line. */
async function benchAccessReview(kubeconfigPath: string): Promise<string> {
  const context = /^current-context: *"?([^"\s]+)/m.exec(readFileSync(kubeconfigPath, 'utf8'))?.[1] ?? '';
  const { kubeConfig: kc } = await connectWithKubeconfig({ kubeconfig: kubeconfigPath, context });
  // RBAC answers for a namespace that does not exist yet (a first deploy) too: none is created
  const namespace = `bench-access-${process.pid}`;
  {
    const objects = release(namespace);
    const once = async () => {
      const started = performance.now();
      const review = await reviewReleaseAccess({
        kc,
        clock: systemClock,
        emit: () => {},
        namespace,
        objects,
        hooks: [],
        warnings: [],
        options: { app: 'bench', lease: {}, prune: true, rollback: true },
      });
      return { ms: performance.now() - started, asked: review.asked };
    };
    const first = await once();
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) runs.push((await once()).ms);
    runs.sort((a, b) => a - b);
    const median = runs[Math.floor(RUNS / 2)] ?? 0;
    return `| access review, ${objects.length} objects, ${first.asked} rights | first ${first.ms.toFixed(0)} ms | median ${median.toFixed(0)} ms | slowest ${(runs.at(-1) ?? 0).toFixed(0)} ms (${RUNS} runs) |`;
  }
}

console.log(await benchAccessReview(process.env.KUBECONFIG ?? ''));
