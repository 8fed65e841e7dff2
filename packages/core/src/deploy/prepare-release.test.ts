import { describe, expect, it } from 'vitest';
import { prepareRelease } from './prepare-release.ts';

const image = 'registry.local/web:2';

describe('prepareRelease of a source that holds nothing', () => {
  it('an empty or comment-only template file is bad input naming the file, also with an image (never blamed)', async () => {
    for (const text of ['', '# moved to app.yaml\n---\n# nothing\n']) {
      const failure = await prepareRelease({
        source: {
          templates: [{ file: 'k8s/empty.yaml', text }],
          name: 'web',
          imageRepository: 'registry.local/web',
        },
        namespace: 'shop',
        image,
      }).then(
        () => ({ code: 'none', message: 'no error' }),
        (error: unknown) => error as Error & { code?: string },
      );
      expect(failure).toMatchObject({ code: 'INVALID_MANIFEST' });
      expect(failure.message).toContain('k8s/empty.yaml: no Kubernetes objects');
      expect(failure.message).not.toMatch(/no container in the templates runs/);
    }
  });

  it('a chart or overlay that renders nothing is bad input, not an image problem', async () => {
    const failure = await prepareRelease({
      source: { rendered: [], name: 'web', imageRepository: 'registry.local/web' },
      namespace: 'shop',
      image,
    }).catch((error: unknown) => error as Error & { code?: string });
    expect(failure).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'web: the chart or overlay rendered no Kubernetes objects: nothing to deploy',
    });
  });
});

describe('prepareRelease of templates the caller has loaded already', () => {
  it('takes the loaded objects (image, namespace applied) instead of loading the texts again', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] },
        },
      },
    };
    const release = await prepareRelease({
      source: {
        // not YAML: loading it would fail, so the objects can only come from `loaded`
        templates: [{ file: 'k8s/app.yaml', text: '{ not: [yaml' }],
        loaded: [{ file: 'k8s/app.yaml', objects: [deployment] }],
        name: 'web',
        imageRepository: 'registry.local/web',
      },
      namespace: 'shop',
      image,
    });
    expect(release.objects).toMatchObject([
      {
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { template: { spec: { containers: [{ image }] } } },
      },
    ]);
    // the caller's objects are left as they were
    expect(deployment.spec.template.spec.containers[0]?.image).toBe('registry.local/web:1');
  });
});
