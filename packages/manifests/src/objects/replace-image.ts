import { type ManifestIssue, throwIfAny } from '../_errors.ts';
import { canonicalRepository, imageProblem, parseImageReference, repositoryOf } from '../_image.ts';
import type { KubeObject } from '../_kube-object.ts';
import { podContainers } from './workloads.ts';

function checkArguments(repository: string, newReference: string): string {
  const issues: ManifestIssue[] = [];
  const repositoryProblem = imageProblem(repository);
  if (repositoryProblem !== undefined)
    issues.push({ path: 'repository', message: repositoryProblem, value: repository });
  else {
    const parts = parseImageReference(repository);
    if (parts.tag !== undefined || parts.digest !== undefined)
      issues.push({
        path: 'repository',
        message: 'must be a repository without tag or digest',
        value: repository,
      });
  }
  const referenceProblem = imageProblem(newReference);
  if (referenceProblem !== undefined)
    issues.push({ path: 'newReference', message: referenceProblem, value: newReference });
  throwIfAny('INVALID_IMAGE', 'cannot replace images', issues);
  return canonicalRepository(parseImageReference(repository));
}

/**
 * Points every container and init container whose image is `repository` (any tag or digest; `nginx` and
 * `docker.io/library/nginx` are the same) at `newReference`, in Deployments, StatefulSets, DaemonSets,
 * ReplicaSets, Jobs, CronJobs and Pods. Returns changed copies and how many containers were replaced;
 * the input is not modified. Throws a `ManifestError` (`INVALID_IMAGE`) for bad arguments.
 */
export function replaceImage(
  objects: readonly KubeObject[],
  repository: string,
  newReference: string,
): { objects: KubeObject[]; replaced: number } {
  const wanted = checkArguments(repository, newReference);
  let replaced = 0;
  const result = objects.map((original) => {
    const object = structuredClone(original);
    for (const { container } of podContainers(object)) {
      if (typeof container.image === 'string' && repositoryOf(container.image) === wanted) {
        container.image = newReference;
        replaced += 1;
      }
    }
    return object;
  });
  return { objects: result, replaced };
}
