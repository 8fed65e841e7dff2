// The release preparation of @kubeship/core alone, also published as `@kubeship/core/prepare`:
// objects from the app spec or templates, SSM values bound into them, and the API's size limits
// checked, without the Kubernetes client, for tools that only render (`kubeship render`).
export { assertWithinApiLimits, MAX_CONFIG_DATA_BYTES, MAX_OBJECT_BYTES } from './apply/limits.ts';
export { configObjectNames } from './config/index.ts';
export {
  type PrepareReleaseOptions,
  prepareRelease,
  type Release,
  type ReleaseSource,
} from './deploy/prepare-release.ts';
