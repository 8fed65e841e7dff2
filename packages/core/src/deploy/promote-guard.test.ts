import { describe, expect, it } from 'vitest';
import { isKubeshipError } from '../errors.ts';
import type { DeploymentState } from '../rollout/state.ts';
import { promotionImage } from './promote-guard.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const counts = { desired: 2, updated: 2, ready: 2, available: 2, total: 2 };

const state = (
  runningImageIds: string[],
  phase: 'complete' | 'progressing' = 'complete',
): DeploymentState => ({
  namespace: 'app-dev',
  name: 'app',
  revision: 3,
  images: ['registry.local/app:abc1234'],
  runningImageIds,
  state: phase === 'complete' ? { phase: 'complete', counts } : { phase: 'progressing', counts, waiting: [] },
});

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (isKubeshipError(error) && error.code === 'INVALID_INPUT') return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('promotionImage', () => {
  it('promotes the one digest the healthy source runs, as repository@digest', () => {
    const ids = [`registry.local/app@${A}`, `docker-pullable://registry.local/app@${A}`];
    expect(promotionImage(state(ids), { from: 'dev' })).toBe(`registry.local/app@${A}`);
    expect(promotionImage(state(ids), { from: 'dev', expectDigest: A })).toBe(`registry.local/app@${A}`);
  });

  it('accepts a sha512 digest and refuses an imageID whose digest is malformed', () => {
    const long = `sha512:${'c'.repeat(128)}`;
    expect(promotionImage(state([`registry.local/app@${long}`]), { from: 'dev', expectDigest: long })).toBe(
      `registry.local/app@${long}`,
    );
    expect(
      refusal(() => promotionImage(state([`registry.local/app@sha256:abc`]), { from: 'dev' })),
    ).toContain('do not report one image digest');
  });

  it('drops a tag beside the digest, keeping a registry port', () => {
    expect(promotionImage(state([`registry.local:5000/team/app:3f9c2ab@${A}`]), { from: 'dev' })).toBe(
      `registry.local:5000/team/app@${A}`,
    );
  });

  it('refuses when the source runs another digest than the approved one', () => {
    const message = refusal(() =>
      promotionImage(state([`registry.local/app@${B}`]), { from: 'dev', expectDigest: A }),
    );
    expect(message).toContain(`refusing to promote from dev: it runs ${B}, not the approved ${A}`);
  });

  it('refuses an unhealthy source, pods that disagree, or no digest at all', () => {
    expect(refusal(() => promotionImage(state([`r/app@${A}`], 'progressing'), { from: 'dev' }))).toContain(
      'is progressing, not healthy',
    );
    expect(refusal(() => promotionImage(state([`r/app@${A}`, `r/app@${B}`]), { from: 'dev' }))).toContain(
      'do not report one image digest',
    );
    expect(refusal(() => promotionImage(state([]), { from: 'dev', expectDigest: A }))).toContain('(none)');
  });

  it('refuses an --expect-digest that is not sha256:<64 hex>', () => {
    for (const bad of ['a'.repeat(64), `sha256:${'A'.repeat(64)}`, 'sha256:abc', `registry.local/app@${A}`]) {
      expect(
        refusal(() => promotionImage(state([`r/app@${A}`]), { from: 'dev', expectDigest: bad })),
      ).toContain('--expect-digest must be sha256:');
    }
  });
});
