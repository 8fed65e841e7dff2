import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret string (a SecureString value, a token) that will not print itself: `String()`,
 * template literals, `JSON.stringify` and `util.inspect` all give `[redacted]`. Only `reveal()`
 * returns the value, and only code that must put it into a Kubernetes Secret or an HTTP header calls it.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The plaintext. Call it only where the value must leave the process (a Secret's data, a header). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
