import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const scripts = fileURLToPath(new URL('../scripts/', import.meta.url));

/**
 * The directory holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok:
 * `KUBESHIP_TESTBED_BIN` when set, else the per-machine cache (built on first use).
 */
export function resolveBinaries(): string {
  return runSetupScript('build-binaries.sh');
}

/**
 * The directory holding `helm` and `kustomize` (for chart and overlay sources, and the
 * benchmark): `KUBESHIP_MANIFEST_TOOLS_BIN` when set, else the per-machine cache (built on first use).
 */
export function resolveManifestTools(): string {
  return runSetupScript('build-manifest-tools.sh');
}

/** The Python virtualenv with moto and awscli: `KUBESHIP_PYTHON_VENV` when set, else the cache. */
export function resolveVenv(): string {
  return runSetupScript('ensure-venv.sh');
}

function runSetupScript(name: string): string {
  const dir = execFileSync('bash', [`${scripts}${name}`], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();
  if (!existsSync(dir)) throw new Error(`${name} printed ${dir}, which does not exist`);
  return dir;
}
