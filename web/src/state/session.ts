// What the browser keeps: the token and API base for this browser session (sessionStorage), and per project
// the model ids the user has opened (localStorage), since the API has no route that lists models.

const TOKEN_KEY = 'modelwatch.token';
const BASE_KEY = 'modelwatch.api_base';
const MODELS_KEY = 'modelwatch.models';

export interface Session {
  token: string;
  /** '' means the page's own origin. */
  base: string;
}

export function loadSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { token, base: sessionStorage.getItem(BASE_KEY) ?? '' } : undefined;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(TOKEN_KEY, session.token);
  sessionStorage.setItem(BASE_KEY, session.base);
}

export function clearSession(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export function savedBase(): string {
  return sessionStorage.getItem(BASE_KEY) ?? '';
}

/** An API base as typed: trimmed, without a trailing slash; '' stays the page's origin. */
export function normaliseBase(typed: string): string | { error: string } {
  const value = typed.trim().replace(/\/+$/, '');
  if (value === '') return '';
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { error: 'The API URL must start with http:// or https://.' };
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return { error: `"${value}" is not a URL; leave it empty to use this site's own API.` };
  }
}

function allModels(): Record<string, string[]> {
  try {
    const parsed = JSON.parse(localStorage.getItem(MODELS_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

const modelsKey = (base: string, projectId: string) => `${base || 'same-origin'}|${projectId}`;

export function rememberedModels(base: string, projectId: string): string[] {
  const list = allModels()[modelsKey(base, projectId)];
  return Array.isArray(list) ? list.filter((id) => typeof id === 'string') : [];
}

export function rememberModel(base: string, projectId: string, modelId: string): void {
  const all = allModels();
  const key = modelsKey(base, projectId);
  const list = (all[key] ?? []).filter((id) => id !== modelId);
  all[key] = [modelId, ...list].slice(0, 50);
  localStorage.setItem(MODELS_KEY, JSON.stringify(all));
}

export function forgetModel(base: string, projectId: string, modelId: string): void {
  const all = allModels();
  const key = modelsKey(base, projectId);
  all[key] = (all[key] ?? []).filter((id) => id !== modelId);
  localStorage.setItem(MODELS_KEY, JSON.stringify(all));
}
