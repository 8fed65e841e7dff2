import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from './_token.ts';

/**
 * The AWS SDK's Node.js default chain (environment, SSO, profiles, credential process, web identity,
 * CodeBuild/ECS container, IMDS), without loading it where its answer is known: `kubeship token`,
 * run by kubectl before each of its commands, would load the chain (and the SDK's core with it)
 * for nothing.
 * - While the environment holds static keys and names no profile, they are the answer (the
 *   chain's first link, read here).
 * - In a CodeBuild or ECS container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or a FULL_URI on a
 *   local host) with no profile, no web identity and no shared config or credentials file, every
 *   link before the container's answers nothing: its endpoint is asked here, and the whole chain
 *   only when that fails. The answer is kept until 5 minutes before it expires, as the chain keeps it.
 * - Else the chain is loaded on first use, once.
 * The environment is read at each call, as the chain does.
 */
export function defaultCredentials(env: NodeJS.ProcessEnv = process.env): AwsCredentialIdentityProvider {
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  let held: AwsCredentialIdentity | undefined;
  const wholeChain = async () => {
    chain ??= import('@aws-sdk/credential-provider-node').then((sdk) => sdk.defaultProvider());
    return (await chain)();
  };
  return async () => {
    const fromEnv = environmentCredentials(env);
    if (fromEnv) return fromEnv;
    if (!onlyTheContainerAnswers(env)) return wholeChain();
    const expiration = held?.expiration?.getTime() ?? 0;
    if (held && expiration - Date.now() >= HELD_MARGIN_MS) return held;
    // loaded here: node:http is no cost of the other paths
    const { containerCredentials, containerEndpoint } = await import('./_container-credentials.ts');
    const endpoint = containerEndpoint(env);
    if (!endpoint) return wholeChain();
    try {
      held = await containerCredentials(endpoint, env);
      return held;
    } catch {
      return wholeChain();
    }
  };
}

/** How long before they expire a container's credentials are asked for again (the chain's margin). */
const HELD_MARGIN_MS = 5 * 60_000;

/**
 * A CodeBuild or ECS container's credentials are the default chain's first answer: a container
 * endpoint is named, and nothing an earlier link reads is there (a profile, a web identity token,
 * a shared config or credentials file with content).
 */
export function onlyTheContainerAnswers(env: NodeJS.ProcessEnv): boolean {
  const home = env.HOME || homedir();
  const hasContent = (file: string) => (statSync(file, { throwIfNoEntry: false })?.size ?? 0) > 0;
  return (
    Boolean(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) &&
    !env.AWS_PROFILE &&
    !env.AWS_WEB_IDENTITY_TOKEN_FILE &&
    !hasContent(env.AWS_CONFIG_FILE || join(home, '.aws', 'config')) &&
    !hasContent(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'))
  );
}

/**
 * The static keys of the environment, as the chain's first link reads them (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION); undefined when a key is
 * missing or AWS_PROFILE is set (the chain then prefers the profile).
 */
export function environmentCredentials(env: NodeJS.ProcessEnv): AwsCredentialIdentity | undefined {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (env.AWS_PROFILE || !accessKeyId || !secretAccessKey) return undefined;
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
  };
}
