import type { SSMClient, SSMClientConfig } from '@aws-sdk/client-ssm';
import { buildConfig, type ResolvedConfig } from './_build.ts';
import { createSsmClient } from './_client.ts';
import { validateRequest } from './_names.ts';
import { readParameters } from './_read.ts';

/** What {@link resolveConfig} reads and for which app. */
export interface ResolveConfigOptions {
  /** Names the built objects (`<app>-config`, `<app>-secrets`) and labels them; a DNS label. */
  readonly app: string;
  /** Namespace of the built objects. */
  readonly namespace: string;
  /** AWS region of the parameters. */
  readonly region: string;
  /** Paths read recursively; each parameter becomes an env var named after its name under the path. */
  readonly paths?: readonly string[];
  /**
   * Parameters read by name: the `ssm(...)` references of the app spec. `/aws/reference/secretsmanager/...`
   * names, selectors (`name:3`, `name:label`) and ARNs work.
   */
  readonly names?: readonly string[];
  /** Credentials or a provider for the SSM client kubeship creates; default: the SDK's default chain. */
  readonly credentials?: SSMClientConfig['credentials'];
  /** Use this client instead of creating one (it is not destroyed afterwards). */
  readonly ssmClient?: SSMClient;
  /** SSM requests in flight at once; default 4. */
  readonly maxConcurrency?: number;
  /** Aborts the reads (the error is INTERRUPTED). */
  readonly signal?: AbortSignal;
}

/**
 * Reads configuration from SSM Parameter Store and builds what the cluster needs from it: a ConfigMap
 * (String/StringList) and a Secret (SecureString), env entries for parameters read by path, a binding for
 * every parameter, and a checksum for the pod template.
 *
 * Input is validated first (INVALID_INPUT), then everything is read; every missing or unreadable
 * parameter and every empty path is reported together in one SSM_PARAMETERS_MISSING error (or
 * AWS_CREDENTIALS when all were access denials) before anything is built. Parameter names that give no
 * valid env name are INVALID_INPUT, two parameters with the same key are CONFIG_COLLISION.
 * Values are held in `SecretValue`s until they are written into the objects' `data`; no error, and no
 * part of the result but that `data`, contains one.
 */
export async function resolveConfig(options: ResolveConfigOptions): Promise<ResolvedConfig> {
  const { paths, names } = validateRequest({
    paths: options.paths ?? [],
    names: options.names ?? [],
    app: options.app,
    namespace: options.namespace,
  });
  const target = { app: options.app, namespace: options.namespace };
  if (paths.length === 0 && names.length === 0) return buildConfig({ byPath: [], byName: [] }, target);

  const client =
    options.ssmClient ??
    createSsmClient({
      region: options.region,
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    });
  try {
    const read = await readParameters(client, {
      paths,
      names,
      ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return buildConfig(read, target);
  } finally {
    if (!options.ssmClient) client.destroy();
  }
}
