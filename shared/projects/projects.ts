// Projects: the unit of access control; every dataset and model lives in one.
import type { Principal } from '../auth/tokens.js';
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
): Promise<{ items: ProjectRecord[]; next_token?: string }> {
  if (principal.kind === 'scoped') {
    const found = await Promise.all([...principal.projects].sort().map((id) => deps.registry.getProject(id)));
    return { items: found.filter((project): project is ProjectRecord => project !== undefined) };
  }
  const page = await deps.registry.listProjects(limit, nextToken);
  return page.nextToken ? { items: page.items, next_token: page.nextToken } : { items: page.items };
}
