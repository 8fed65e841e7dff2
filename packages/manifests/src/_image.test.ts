import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalRepository,
  formatImageReference,
  imageProblem,
  parseImageReference,
  versionLabel,
} from './_image.ts';
import { ManifestError } from './index.ts';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

describe('parseImageReference', () => {
  it.each([
    ['nginx', { repository: 'nginx' }],
    ['nginx:1.27', { repository: 'nginx', tag: '1.27' }],
    ['team/app:v1', { repository: 'team/app', tag: 'v1' }],
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/wordpress:6.6',
      { registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', repository: 'wordpress', tag: '6.6' },
    ],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app' }],
    ['localhost/app:x', { registry: 'localhost', repository: 'app', tag: 'x' }],
    [`app@${DIGEST}`, { repository: 'app', digest: DIGEST }],
    [`r.io/a/b/c:t@${DIGEST}`, { registry: 'r.io', repository: 'a/b/c', tag: 't', digest: DIGEST }],
    ['[::1]:5000/app:v', { registry: '[::1]:5000', repository: 'app', tag: 'v' }],
    ['my_org/app__x-y.z:_tag', { repository: 'my_org/app__x-y.z', tag: '_tag' }],
  ])('parses %s', (reference, parts) => {
    expect(parseImageReference(reference)).toEqual(parts);
    expect(formatImageReference(parseImageReference(reference))).toBe(reference);
  });

  it.each([
    ['', /must not be empty/],
    ['App:v1', /repository/],
    ['app:', /tag/],
    ['app:-x', /tag/],
    [`app:${'x'.repeat(129)}`, /tag/],
    ['app@sha256:abc', /digest/],
    ['app@md5:0123456789abcdef0123456789abcdef', /digest/],
    ['registry.io:port/app', /registry/],
    ['app name', /whitespace/],
    ['a//b', /repository/],
    ['-app', /repository/],
  ])('rejects %j naming the broken part', (reference, rule) => {
    const error = (() => {
      try {
        parseImageReference(reference);
      } catch (e) {
        return e;
      }
    })() as ManifestError;
    expect(error).toBeInstanceOf(ManifestError);
    expect(error.code).toBe('INVALID_IMAGE');
    expect(error.issues).toEqual([{ path: 'image', message: expect.stringMatching(rule), value: reference }]);
    expect(imageProblem(reference)).toMatch(rule);
  });

  it('round-trips every reference it accepts', () => {
    const component = fc.stringMatching(/^[a-z0-9]+([._-][a-z0-9]+)?$/);
    const reference = fc.record(
      {
        registry: fc.constantFrom('r.io', 'localhost:5000', '1.dkr.ecr.eu-west-1.amazonaws.com'),
        repository: fc.array(component, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
        tag: fc.stringMatching(/^\w[\w.-]{0,20}$/),
        digest: fc.constant(DIGEST),
      },
      { requiredKeys: ['repository'] },
    );
    // without a registry, a first component with a '.' would itself read as a registry host
    const unambiguous = reference.filter(
      (parts) => parts.registry !== undefined || !/^[^/]*\.[^/]*\//.test(parts.repository),
    );
    fc.assert(
      fc.property(unambiguous, (parts) => {
        expect(parseImageReference(formatImageReference(parts))).toEqual(parts);
      }),
    );
  });
});

describe('canonicalRepository', () => {
  it("spells out Docker Hub's aliases", () => {
    const canonical = (reference: string) => canonicalRepository(parseImageReference(reference));
    expect(canonical('nginx:1')).toBe('docker.io/library/nginx');
    expect(canonical('docker.io/library/nginx')).toBe('docker.io/library/nginx');
    expect(canonical(`index.docker.io/library/nginx@${DIGEST}`)).toBe('docker.io/library/nginx');
    expect(canonical('bitnami/wordpress')).toBe('docker.io/bitnami/wordpress');
    expect(canonical('r.io/nginx')).toBe('r.io/nginx');
  });
});

describe('versionLabel', () => {
  it('derives a label value from the tag', () => {
    expect(versionLabel('app:v1.2.3')).toBe('v1.2.3');
    expect(versionLabel('app')).toBe('latest');
    expect(versionLabel(`app@${DIGEST}`)).toBeUndefined();
    expect(versionLabel(`app:3f9c2ab@${DIGEST}`)).toBe('3f9c2ab');
    expect(versionLabel('app:__')).toBeUndefined();
    expect(versionLabel(`app:_${'a'.repeat(70)}`)).toBe('a'.repeat(62));
    expect(versionLabel('not valid')).toBeUndefined();
  });
});
