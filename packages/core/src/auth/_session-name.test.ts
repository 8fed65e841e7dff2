import { describe, expect, it } from 'vitest';
import { assertRoleSessionName, defaultRoleSessionName } from './_session-name.ts';

const uuid = '9f0c2a4e-1b2d-4c3e-8f9a-0b1c2d3e4f5a';

describe('defaultRoleSessionName', () => {
  it('names the CodeBuild build, with the colon replaced', () => {
    const name = defaultRoleSessionName({
      env: { CODEBUILD_BUILD_ID: `web-deploy:${uuid}` },
      pid: 1,
      now: 2,
    });
    expect(name).toBe(`kubeship-web-deploy-${uuid}`);
  });

  it('keeps the build uuid whole and shortens a long project name to 64 characters', () => {
    const name = defaultRoleSessionName({
      env: { CODEBUILD_BUILD_ID: `checkout-service-production-deploy:${uuid}` },
      pid: 1,
      now: 2,
    });
    expect(name).toBe(`kubeship-checkout-service-p-${uuid}`);
    expect(name).toHaveLength(64);
  });

  it('replaces characters STS does not allow', () => {
    const name = defaultRoleSessionName({ env: { CODEBUILD_BUILD_ID: 'my proj/ä:abc#1' }, pid: 1, now: 2 });
    expect(name).toBe('kubeship-my-proj---abc-1');
    expect(() => assertRoleSessionName(name)).not.toThrow();
  });

  it('truncates a build id without a colon', () => {
    const name = defaultRoleSessionName({ env: { CODEBUILD_BUILD_ID: 'x'.repeat(100) }, pid: 1, now: 2 });
    expect(name).toBe(`kubeship-${'x'.repeat(55)}`);
  });

  it('uses pid and time outside CodeBuild', () => {
    expect(defaultRoleSessionName({ env: {}, pid: 4242, now: 1_790_000_000_000 })).toBe(
      'kubeship-4242-1790000000000',
    );
    expect(defaultRoleSessionName({ env: { CODEBUILD_BUILD_ID: '  ' }, pid: 7, now: 8 })).toBe(
      'kubeship-7-8',
    );
  });

  it('always gives a valid session name', () => {
    for (const id of [
      `a:${uuid}`,
      `${'p'.repeat(300)}:${uuid}`,
      `:${uuid}`,
      `p:${'u'.repeat(80)}`,
      'a:b:c',
    ]) {
      const name = defaultRoleSessionName({ env: { CODEBUILD_BUILD_ID: id }, pid: 1, now: 2 });
      expect(() => assertRoleSessionName(name), `${id} -> ${name}`).not.toThrow();
    }
  });
});

describe('assertRoleSessionName', () => {
  it.each(['a', 'has space', 'x'.repeat(65), 'colon:s'])('rejects %j with INVALID_INPUT', (name) => {
    expect(() => assertRoleSessionName(name)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
  it.each(['ab', 'build@42', 'a+b=c,d.e-f_g'])('accepts %j', (name) => {
    expect(() => assertRoleSessionName(name)).not.toThrow();
  });
});
