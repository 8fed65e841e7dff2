// Measures the testbed: warm start time, and the summed RSS of its processes with 30 running pods.
//   node --conditions=kubeship-source packages/testbed/scripts/measure.ts [rounds=3]
import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { startTestbed } from '../src/index.ts';
import { watchUntil } from '../test/helpers.ts';

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const rounds = Number(process.argv[2] ?? 3);
const starts: number[] = [];
for (let round = 0; round < rounds; round++) {
  const started = Date.now();
  const testbed = await startTestbed();
  starts.push(Date.now() - started);
  if (round === rounds - 1) {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(testbed.adminKubeconfig);
    await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: 'measure' } } });
    const labels = { app: 'web' };
    await kc.makeApiClient(k8s.AppsV1Api).createNamespacedDeployment({
      namespace: 'measure',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 30,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] },
          },
        },
      },
    });
    await watchUntil<k8s.V1Deployment>(
      kc,
      '/apis/apps/v1/namespaces/measure/deployments',
      ([d]) => d?.status?.availableReplicas === 30,
    );
    await new Promise((resolve) => setTimeout(resolve, 5000));
    let total = 0;
    for (const [name, pid] of Object.entries(testbed.pids)) {
      const { rss, peak } = rssMb(pid);
      total += rss;
      console.log(`${name.padEnd(24)} ${rss.toFixed(0).padStart(5)} MB (peak ${peak.toFixed(0)} MB)`);
    }
    console.log(`${'total'.padEnd(24)} ${total.toFixed(0).padStart(5)} MB with 30 running pods`);
  }
  await testbed.stop();
}
console.log(`warm start: ${starts.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`);
