// Bearer tokens: an admin token (configured per deployment) and project-scoped tokens, stored only as
// SHA-256 hashes. A scoped token reads `mw.<token_id>.<secret>`, so verifying it is one key lookup.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Forbidden, NotFound, Unauthorized } from '../errors.js';
import type { RegistryStore, TokenRecord } from '../storage/registry.js';

export type Principal =
  | { kind: 'admin' }
  | { kind: 'scoped'; tokenId: string; projects: ReadonlySet<string> };

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function newAdminToken(): string {
  return `mwadmin.${randomBytes(32).toString('base64url')}`;
}

const SCOPED_TOKEN = /^mw\.(tok_[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export class Authenticator {
  /** @param adminTokenHash SHA-256 hex of the admin token (the token itself need not be kept). */
  constructor(
    private readonly registry: RegistryStore,
    private readonly adminTokenHash: () => Promise<string>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The principal an Authorization header names; 401 when there is none or it is unknown. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const token = match?.[1];
    if (!token) throw new Unauthorized();
    const hash = sha256Hex(token);
    if (sameHash(hash, await this.adminTokenHash())) return { kind: 'admin' };
    const scoped = SCOPED_TOKEN.exec(token);
    if (scoped?.[1]) {
      const record = await this.registry.getToken(scoped[1]);
      if (record && sameHash(hash, record.token_hash)) {
        return { kind: 'scoped', tokenId: record.token_id, projects: new Set(record.projects) };
      }
    }
    throw new Unauthorized('The bearer token is not valid (unknown or revoked).');
  }

  async createToken(
    name: string,
    projects: string[],
  ): Promise<{ token_id: string; token: string; record: TokenRecord }> {
    for (const projectId of projects) {
      if (!(await this.registry.getProject(projectId)))
        throw new NotFound(`project '${projectId}' does not exist`);
    }
    const tokenId = `tok_${randomBytes(12).toString('base64url')}`;
    const token = `mw.${tokenId}.${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = {
      token_id: tokenId,
      name,
      projects: [...new Set(projects)],
      token_hash: sha256Hex(token),
      created_at: this.clock(),
    };
    await this.registry.putToken(record);
    return { token_id: tokenId, token, record };
  }

  async revokeToken(tokenId: string): Promise<void> {
    if (!(await this.registry.deleteToken(tokenId))) throw new NotFound(`token '${tokenId}' does not exist`);
  }
}

export function requireAdmin(principal: Principal): void {
  if (principal.kind !== 'admin') throw new Forbidden('This route needs the admin token.');
}

/** Checked before the project is looked up, so a scoped token learns nothing about other projects. */
export function requireProject(principal: Principal, projectId: string): void {
  if (principal.kind === 'scoped' && !principal.projects.has(projectId)) {
    throw new Forbidden(`This token is not allowed on project '${projectId}'.`);
  }
}
