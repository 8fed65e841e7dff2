import packageJson from '../package.json' with { type: 'json' };

/** The version of @kubeship/codebuild-runner. */
export const VERSION: string = packageJson.version;
