import type { SecretValue } from '../_secret-value.ts';
import { KubeshipError } from '../errors.ts';
import { type EksToken, TOKEN_LIFETIME_MS } from './_token.ts';

/** Default margin: a token is replaced once it is 14 minutes old. */
export const DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 60_000;

/** Hands out a token that is always fresh: minted on first use and re-minted before it expires. */
export interface TokenSource {
  /** A token with at least the refresh margin left, per the injected clock. */
  current(): Promise<SecretValue>;
}

/**
 * The refresh rule, without I/O: the cached token is reused while
 * `signedAt <= now < expiresAt - refreshBeforeExpiryMs`; otherwise one new token is minted
 * (concurrent callers share that one mint). A failed mint is not cached.
 */
export function createTokenSource(options: {
  mint: () => Promise<EksToken>;
  now: () => number;
  refreshBeforeExpiryMs?: number;
}): TokenSource {
  const margin = options.refreshBeforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS;
  assertRefreshMargin(margin);
  let cached: EksToken | undefined;
  let minting: Promise<EksToken> | undefined;
  const fresh = (token: EksToken, now: number) =>
    now >= token.signedAt.getTime() && now < token.expiresAt.getTime() - margin;
  return {
    async current() {
      if (cached && fresh(cached, options.now())) return cached.token;
      minting ??= options.mint().then(
        (token) => {
          cached = token;
          minting = undefined;
          return token;
        },
        (error: unknown) => {
          minting = undefined;
          throw error;
        },
      );
      return (await minting).token;
    },
  };
}

/** Throws INVALID_INPUT unless the margin leaves a token some useful life (0 < margin < 15 min). */
export function assertRefreshMargin(margin: number): void {
  if (!Number.isFinite(margin) || margin <= 0 || margin >= TOKEN_LIFETIME_MS) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `refreshBeforeExpiryMs must be more than 0 and less than ${TOKEN_LIFETIME_MS} (15 minutes), not ${margin}`,
      { details: { field: 'refreshBeforeExpiryMs' } },
    );
  }
}
