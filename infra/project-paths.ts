// Absolute paths of the project's files, so the CDK app synthesizes the same from any working directory.
import { fileURLToPath } from 'node:url';

/** The repository root: the folder holding package.json, lambdas/ and web/. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Absolute path of a file or folder given relative to the repository root. */
export function projectPath(relativePath: string): string {
  return fileURLToPath(new URL(relativePath, new URL('..', import.meta.url)));
}
