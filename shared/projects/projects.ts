// Projects: the unit of access control; every dataset and model lives in one.
import type { Principal } from '../auth/tokens.js';
import { NotFound } from '../errors.js';
import type { ProjectRecord, RegistryStore } from '../storage/registry.js';

interface ProjectDeps {
  registry: RegistryStore;
  clock: () => number;
}

export async function createProject(deps: ProjectDeps, projectId: string): Promise<ProjectRecord> {
  const project = { project_id: projectId, created_at: deps.clock() };
  await deps.registry.createProject(project);
  return project;
}

/** Lists projects; a scoped token's list is its own projects that exist, in id order. */
export async function listProjects(
  deps: ProjectDeps,
  principal: Principal,
  limit: number,
  nextToken?: string,
): Promise<{ items: ProjectRecord[]; nextToken?: string }> {
  if (principal.kind === 'scoped') {
    const found = await Promise.all([...principal.projects].sort().map((id) => deps.registry.getProject(id)));
    return { items: found.filter((project): project is ProjectRecord => project !== undefined) };
  }
  return deps.registry.listProjects(limit, nextToken);
}

export async function requireProjectExists(registry: RegistryStore, projectId: string): Promise<void> {
  if (!(await registry.getProject(projectId))) throw new NotFound(`project '${projectId}' does not exist`);
}

/**
 * What `find` finds in a project: a 404 naming the project when it does not exist, else naming `what` (such as
 * "dataset 'd'") when `find` finds nothing.
 */
export async function requireInProject<T>(
  registry: RegistryStore,
  projectId: string,
  what: string,
  find: () => Promise<T | undefined>,
): Promise<T> {
  await requireProjectExists(registry, projectId);
  const found = await find();
  if (!found) throw new NotFound(`${what} does not exist in project '${projectId}'`);
  return found;
}
