import { describe, expect, it } from 'vitest';
import { type KubeObject, ManifestError, replaceImage } from '../index.ts';

const DIGEST = `sha256:${'0'.repeat(64)}`;
const pod = (containers: string[], initContainers: string[] = []) => ({
  containers: containers.map((image, i) => ({ name: `c${i}`, image })),
  ...(initContainers.length > 0
    ? { initContainers: initContainers.map((image, i) => ({ name: `i${i}`, image })) }
    : {}),
});
const workload = (kind: string, spec: object): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: kind.toLowerCase() },
  spec,
});
const template = (containers: string[], init: string[] = []) => ({
  template: { spec: pod(containers, init) },
});

const objects: KubeObject[] = [
  workload('Deployment', template(['r.io/app:v1', 'r.io/sidecar:v1'], [`r.io/app@${DIGEST}`])),
  workload('StatefulSet', template(['r.io/app:v0'])),
  workload('DaemonSet', template(['r.io/app'])),
  workload('ReplicaSet', template(['r.io/other/app:v1'])),
  workload('Job', template(['r.io/app:old'])),
  workload('CronJob', { jobTemplate: { spec: template(['r.io/app:cron']) } }),
  workload('Pod', pod(['r.io/app:pod'])),
  workload('ConfigMap', template(['r.io/app:not-a-workload'])),
];

const images = (list: KubeObject[]) => JSON.stringify(list).match(/"image":"[^"]+"/g);

describe('replaceImage', () => {
  it('replaces every container and init container of that repository in every workload kind', () => {
    const frozen = structuredClone(objects);
    const result = replaceImage(objects, 'r.io/app', 'r.io/app:v2');
    expect(result.replaced).toBe(7);
    expect(images(result.objects)).toEqual([
      '"image":"r.io/app:v2"',
      '"image":"r.io/sidecar:v1"',
      '"image":"r.io/app:v2"',
      '"image":"r.io/app:v2"',
      '"image":"r.io/app:v2"',
      '"image":"r.io/other/app:v1"',
      '"image":"r.io/app:v2"',
      '"image":"r.io/app:v2"',
      '"image":"r.io/app:v2"',
      '"image":"r.io/app:not-a-workload"',
    ]);
    expect(objects).toEqual(frozen);
  });

  it("treats Docker Hub's short and long names as one repository", () => {
    const hub = [
      workload('Deployment', template(['nginx:1.25', 'docker.io/library/nginx', 'bitnami/nginx:1'])),
    ];
    const result = replaceImage(hub, 'index.docker.io/library/nginx', 'nginx:1.27');
    expect(result.replaced).toBe(2);
    expect(images(result.objects)).toEqual([
      '"image":"nginx:1.27"',
      '"image":"nginx:1.27"',
      '"image":"bitnami/nginx:1"',
    ]);
  });

  it('leaves images it cannot parse alone, and returns zero when nothing matches', () => {
    const odd = [workload('Pod', { containers: [{ name: 'a', image: 'Not Valid' }, { name: 'b' }] })];
    expect(replaceImage(odd, 'r.io/app', 'r.io/app:v2')).toEqual({ objects: odd, replaced: 0 });
  });

  it('rejects a repository with a tag and a bad new reference', () => {
    try {
      replaceImage(objects, 'r.io/app:v1', 'r.io/app:');
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      expect((error as ManifestError).code).toBe('INVALID_IMAGE');
      expect((error as ManifestError).issues.map((i) => i.path)).toEqual(['repository', 'newReference']);
      return;
    }
    throw new Error('expected an error');
  });
});
