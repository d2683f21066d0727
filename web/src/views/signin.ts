// Sign in with an API token, checked by listing the projects it may see; the API's URL defaults to this site's
// own origin and can point elsewhere (a dashboard on CloudFront talking to API Gateway).
import { ApiClient, ApiError } from '../api/client.js';
import type { Project } from '../api/types.js';
import { normaliseBase, type Session, savedBase } from '../state/session.js';
import { h, replace, status } from '../ui/dom.js';

export function signInView(
  onSignedIn: (session: Session, projects: Project[]) => void,
  notice?: string,
): HTMLElement {
  const token = h('input', {
    id: 'signin-token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-required': 'true',
    'aria-describedby': 'signin-token-hint',
  });
  const base = h('input', {
    id: 'signin-base',
    name: 'api_base',
    type: 'url',
    value: savedBase(),
    placeholder: window.location.origin,
    'aria-describedby': 'signin-base-hint',
  });
  const messages = h('div', { class: 'form-errors' }, notice ? status('info', notice) : null);
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'signin-token' }, 'API token'), token),
    h(
      'p',
      { class: 'hint', id: 'signin-token-hint' },
      'An admin token, or a token made for your projects with POST /v1/tokens. It is kept for this browser tab only.',
    ),
    h('div', { class: 'field' }, h('label', { for: 'signin-base' }, 'API URL (optional)'), base),
    h('p', { class: 'hint', id: 'signin-base-hint' }, 'Leave empty when the API is served from this site.'),
    messages,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const secret = token.value.trim();
    if (!secret) {
      replace(messages, status('error', 'Enter an API token to sign in.'));
      token.focus();
      return;
    }
    const normalised = normaliseBase(base.value);
    if (typeof normalised !== 'string') {
      replace(messages, status('error', normalised.error));
      base.focus();
      return;
    }
    submit.disabled = true;
    replace(messages, status('loading', 'Checking the token…'));
    try {
      const projects = await new ApiClient(normalised, secret).listProjects();
      onSignedIn({ token: secret, base: normalised }, projects);
    } catch (error) {
      submit.disabled = false;
      replace(messages, status('error', signInError(error, normalised)));
    }
  });
  return h(
    'main',
    { class: 'signin', id: 'main' },
    h('h1', {}, 'Modelwatch'),
    h(
      'p',
      { class: 'muted' },
      'Monitor drift, performance, data integrity and traffic of your deployed models.',
    ),
    form,
  );
}

function signInError(error: unknown, base: string): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return `The API did not accept this token: ${error.message}`;
    if (error.status === 0) {
      return `Could not reach the API at ${base || window.location.origin}. Check the URL; an API on another site must allow this one (CORS).`;
    }
    return `Sign-in failed: ${error.message} (${error.status} ${error.code}).`;
  }
  return `Sign-in failed: ${(error as Error).message}`;
}
