// What the browser keeps of a session: the token and the API base, in sessionStorage (gone with the tab).

const TOKEN_KEY = 'modelwatch.token';
const BASE_KEY = 'modelwatch.api_base';

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
