import { describe, expect, it } from 'vitest';
import { SecretValue } from '../_secret-value.ts';
import { TOKEN_LIFETIME_MS } from './_token.ts';
import { createTokenSource } from './_token-source.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-22T12:00:00Z');

/** A fake minter stamping tokens with the injected clock, like mintEksToken (whole seconds). */
function fakeMinter(now: () => number) {
  const minted: number[] = [];
  return {
    minted,
    mint: async () => {
      const signedAt = Math.floor(now() / 1000) * 1000;
      minted.push(signedAt);
      return {
        token: new SecretValue(`token-${minted.length}`),
        signedAt: new Date(signedAt),
        expiresAt: new Date(signedAt + TOKEN_LIFETIME_MS),
      };
    },
  };
}

describe('createTokenSource', () => {
  it('mints on first use and reuses the token until 14 minutes have passed', async () => {
    let clock = T0 + 250;
    const now = () => clock;
    const minter = fakeMinter(now);
    const source = createTokenSource({ mint: minter.mint, now });
    expect(minter.minted).toEqual([]); // nothing before first use

    expect((await source.current()).reveal()).toBe('token-1');
    clock = T0 + 14 * MINUTE - 1;
    expect((await source.current()).reveal()).toBe('token-1');
    clock = T0 + 14 * MINUTE;
    expect((await source.current()).reveal()).toBe('token-2');
    expect(minter.minted).toEqual([T0, T0 + 14 * MINUTE]);
  });

  it('re-mints over a long wait so no request carries a token older than the margin allows', async () => {
    let clock = T0;
    const now = () => clock;
    const minter = fakeMinter(now);
    const source = createTokenSource({ mint: minter.mint, now });
    // A 40-minute rollout asking for a token every 10 s.
    for (; clock <= T0 + 40 * MINUTE; clock += 10_000) {
      await source.current();
      const latest = minter.minted.at(-1) ?? 0;
      expect(clock - latest).toBeLessThan(14 * MINUTE);
    }
    expect(minter.minted).toHaveLength(3); // 0, 14, 28 minutes
  });

  it('honours a custom margin', async () => {
    let clock = T0;
    const now = () => clock;
    const minter = fakeMinter(now);
    const source = createTokenSource({ mint: minter.mint, now, refreshBeforeExpiryMs: 5 * MINUTE });
    await source.current();
    clock = T0 + 10 * MINUTE - 1;
    await source.current();
    clock = T0 + 10 * MINUTE;
    await source.current();
    expect(minter.minted).toHaveLength(2);
  });

  it('shares one mint between concurrent callers', async () => {
    const now = () => T0;
    const minter = fakeMinter(now);
    const source = createTokenSource({ mint: minter.mint, now });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => source.current()));
    expect(new Set(tokens.map((t) => t.reveal()))).toEqual(new Set(['token-1']));
    expect(minter.minted).toHaveLength(1);
  });

  it('does not cache a failed mint', async () => {
    const now = () => T0;
    const minter = fakeMinter(now);
    let fail = true;
    const source = createTokenSource({
      now,
      mint: async () => {
        if (fail) throw new Error('no credentials');
        return minter.mint();
      },
    });
    await expect(source.current()).rejects.toThrow('no credentials');
    fail = false;
    expect((await source.current()).reveal()).toBe('token-1');
  });

  it('re-mints when the clock moved back before the signing time', async () => {
    let clock = T0;
    const now = () => clock;
    const minter = fakeMinter(now);
    const source = createTokenSource({ mint: minter.mint, now });
    await source.current();
    clock = T0 - 30 * MINUTE;
    await source.current();
    expect(minter.minted).toEqual([T0, T0 - 30 * MINUTE]);
  });

  it.each([0, -1, TOKEN_LIFETIME_MS, Number.NaN])('rejects a margin of %s', (margin) => {
    expect(() =>
      createTokenSource({ mint: fakeMinter(() => T0).mint, now: () => T0, refreshBeforeExpiryMs: margin }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
