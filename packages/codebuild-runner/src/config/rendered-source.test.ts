import { describe, expect, it } from 'vitest';
import { planRenderedSource, renderSource } from './rendered-source.ts';

describe('planRenderedSource', () => {
  it('resolves the chart, values files and a binary path against the project, and defaults the release name', () => {
    expect(
      planRenderedSource(
        {
          name: 'web',
          imageRepository: 'registry.local/web',
          helm: { chart: 'chart', values: ['values.yaml', '/abs/prod.yaml'], binary: 'bin/helm' },
        },
        '/src',
      ),
    ).toEqual({
      kind: 'helm',
      name: 'web',
      imageRepository: 'registry.local/web',
      helm: {
        chart: '/src/chart',
        releaseName: 'web',
        values: ['/src/values.yaml', '/abs/prod.yaml'],
        binary: '/src/bin/helm',
      },
    });
  });

  it('keeps a bare binary name for the PATH lookup', () => {
    expect(
      planRenderedSource({ name: 'shop', kustomize: { dir: 'overlays/prod', binary: 'kubectl' } }, '/src'),
    ).toEqual({
      kind: 'kustomize',
      name: 'shop',
      kustomize: { dir: '/src/overlays/prod', binary: 'kubectl' },
    });
  });

  it('is undefined for YAML files', () => {
    expect(planRenderedSource({ name: 'web', files: ['app.yaml'] }, '/src')).toBeUndefined();
  });
});

describe('renderSource refuses, before any tool runs,', () => {
  it('an image by digest for an image values key (a chart takes a tag there)', async () => {
    const plan = planRenderedSource(
      { name: 'web', helm: { chart: 'chart', imageValuesKey: 'image.tag' } },
      '/src',
    );
    await expect(
      renderSource(plan as NonNullable<typeof plan>, {
        namespace: 'web',
        offline: true,
        image: `registry.local/web@sha256:${'a'.repeat(64)}`,
      }),
    ).rejects.toThrow(
      /is not a tag-only image reference for templates\.helm\.imageValuesKey \(image\.tag\); deploy a tagged image, or drop imageValuesKey/,
    );
  });

  it('an image for an overlay that names no image to replace', async () => {
    const plan = planRenderedSource({ name: 'shop', kustomize: { dir: 'overlays/prod' } }, '/src');
    await expect(
      renderSource(plan as NonNullable<typeof plan>, { namespace: 'shop', offline: true, image: 'shop:2' }),
    ).rejects.toThrow(
      'an image was given but neither templates.kustomize.imageName nor templates.imageRepository says which image of the overlay it replaces',
    );
  });
});
