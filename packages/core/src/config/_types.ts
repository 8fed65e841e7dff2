import type { SecretValue } from '../_secret-value.ts';

/** The three Parameter Store types. */
export type SsmParameterType = 'String' | 'StringList' | 'SecureString';

/** One parameter as read from SSM. The value is a {@link SecretValue}, whatever the type. */
export interface SsmParameterValue {
  /** The full name for a parameter found by path; the name as requested for an explicit one. */
  readonly name: string;
  readonly type: SsmParameterType;
  /** Parameter Store version (0 for Secrets Manager references). */
  readonly version: number;
  /**
   * What identifies this content for change detection: the version, or for a Secrets Manager reference
   * the secret's version id (its Parameter Store version is always 0). Never derived from the value.
   */
  readonly revision: string;
  readonly value: SecretValue;
}

/** Parameters found under one path. */
export interface PathParameters {
  readonly path: string;
  readonly parameters: readonly SsmParameterValue[];
}

/** Why a requested parameter or path could not be used. Carries names, never values. */
export interface ParameterProblem {
  /** The parameter name (as requested) or the path. */
  readonly name: string;
  readonly kind: 'parameter' | 'path';
  readonly reason: 'not-found' | 'empty-path' | 'access-denied' | 'kms' | 'rejected';
  /** AWS's error name and message, when AWS gave one. */
  readonly detail?: string;
}

/** Where the renderer finds a parameter's value: a key of the built ConfigMap or Secret. */
export interface SsmBinding {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  readonly key: string;
}
