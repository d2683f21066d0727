// The page: sign-in, then a top bar with project and model pickers and sign-out, and the Monitor view of the
// model named in the URL hash. The model picker lists the project's models as `GET .../models` answers them;
// a model id typed or linked is checked with the API before the view opens, and never joins the list unless
// the API knows it. The projects are listed when the picker is opened (or when the address names none), so
// opening a model's address costs no request for them.
import { ApiClient, ApiError } from '../api/client.js';
import type { ModelInfo, Project } from '../api/types.js';
import { formatRoute, parseRoute, type Route } from '../state/route.js';
import { clearSession, loadSession, type Session, saveSession } from '../state/session.js';
import { h, replace, status } from '../ui/dom.js';
import { messageOf } from './chart-panel.js';
import { MonitorView } from './monitor.js';
import { signInView } from './signin.js';

const ID = /^[a-z][a-z0-9_-]{1,63}$/;

/** A project's models as listed once; `fresh` until a view opens from it (later opens ask for the model itself). */
interface Listing {
  project: string;
  models: Promise<ModelInfo[]>;
  fresh: boolean;
}

export class App {
  private session: Session | undefined;
  private api: ApiClient | undefined;
  /** The projects the token sees; undefined until listed. */
  private projects: Project[] | undefined;
  private projectsRead: Promise<void> | undefined;
  private listing: Listing | undefined;
  private view: MonitorView | undefined;
  private shown: { project?: string; model?: string } = {};
  private readonly main = h('main', { id: 'main', class: 'main', tabindex: -1 });
  private readonly projectSelect = h('select', { id: 'project-picker' });
  private readonly modelSelect = h('select', { id: 'model-picker' });
  private readonly modelInput = h('input', {
    id: 'open-model',
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'model_id',
  });
  private readonly pickerMessage = h('div', { class: 'picker-message' });

  constructor(private readonly root: HTMLElement) {
    window.addEventListener('hashchange', () => void this.route());
    this.projectSelect.addEventListener('change', () => this.go({ project: this.projectSelect.value }));
    for (const opening of ['focus', 'pointerdown']) {
      this.projectSelect.addEventListener(opening, () => void this.listProjects());
    }
    this.modelSelect.addEventListener(
      'change',
      () =>
        this.modelSelect.value &&
        this.go({ project: this.projectSelect.value, model: this.modelSelect.value }),
    );
  }

  private get base(): string {
    return this.session?.base ?? '';
  }

  async start(): Promise<void> {
    const session = loadSession();
    if (!session) return this.showSignIn();
    this.useSession(session);
    // An address naming a project needs no list of projects: its models are the view's first request.
    if (parseRoute(window.location.hash).project) return this.showShell();
    replace(this.root, status('loading', 'Loading projects…'));
    try {
      this.projects = await (this.api as ApiClient).listProjects();
    } catch (error) {
      if (this.rejected(error)) return;
      replace(
        this.root,
        this.topBar(),
        h(
          'main',
          { id: 'main', class: 'main' },
          status('error', `Could not list projects: ${messageOf(error)}`),
        ),
      );
      return;
    }
    this.showShell();
  }

  private useSession(session: Session): void {
    this.session = session;
    this.api = new ApiClient(session.base, session.token);
    this.listing = undefined;
    this.projects = undefined;
    this.projectsRead = undefined;
  }

  /** A 401 from any request: the token is no longer accepted, so back to sign-in. */
  private rejected(error: unknown): boolean {
    if (!(error instanceof ApiError) || error.status !== 401) return false;
    clearSession();
    this.session = undefined;
    this.api = undefined;
    this.showSignIn('Your token is no longer accepted; sign in again.');
    return true;
  }

  /** Lists the projects once (when the picker is opened), then fills the picker with them. */
  private listProjects(): Promise<void> {
    if (!this.api) return Promise.resolve();
    this.projectsRead ??= (this.api as ApiClient).listProjects().then(
      (projects) => {
        this.projects = projects;
        const route = parseRoute(window.location.hash);
        this.fillProjects(route.project);
      },
      (error: unknown) => {
        this.projectsRead = undefined;
        if (!this.rejected(error)) {
          replace(this.pickerMessage, status('error', `Could not list projects: ${messageOf(error)}`));
        }
      },
    );
    return this.projectsRead;
  }

  /** The project's models, listed once per project shown; a failure lists none and says why. */
  private modelsOf(project: string): Promise<ModelInfo[]> {
    if (this.listing?.project !== project) {
      const models = (this.api as ApiClient).listModels(project);
      this.listing = { project, models, fresh: true };
      models.catch(() => {
        if (this.listing?.models === models) this.listing = undefined;
      });
    }
    return this.listing.models;
  }

  private showSignIn(notice?: string): void {
    this.view?.destroy();
    this.view = undefined;
    this.shown = {};
    document.title = 'Sign in · Modelwatch';
    replace(
      this.root,
      signInView((session, projects) => {
        saveSession(session);
        this.useSession(session);
        this.projects = projects;
        this.projectsRead = Promise.resolve();
        this.showShell();
      }, notice),
    );
    this.root.querySelector<HTMLInputElement>('#signin-token')?.focus();
  }

  private showShell(): void {
    replace(
      this.root,
      h('a', { class: 'skip', href: '#main', onclick: skipToMain }, 'Skip to the monitor'),
      this.topBar(),
      this.main,
    );
    void this.route();
  }

  private topBar(): HTMLElement {
    const openForm = h(
      'form',
      { class: 'open-model', onsubmit: (event: Event) => this.openTyped(event) },
      h('div', { class: 'field' }, h('label', { for: 'open-model' }, 'Open model by id'), this.modelInput),
      h('button', { type: 'submit', class: 'secondary' }, 'Open'),
    );
    return h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'brand', href: '#/' }, 'Modelwatch'),
      h(
        'nav',
        { class: 'pickers', 'aria-label': 'Project and model' },
        h('div', { class: 'field' }, h('label', { for: 'project-picker' }, 'Project'), this.projectSelect),
        h('div', { class: 'field' }, h('label', { for: 'model-picker' }, 'Model'), this.modelSelect),
        openForm,
        this.pickerMessage,
      ),
      h(
        'div',
        { class: 'account' },
        h('span', { class: 'muted api-base' }, this.base ? `API: ${this.base}` : 'API: this site'),
        h('button', { type: 'button', class: 'secondary', onclick: () => this.signOut() }, 'Sign out'),
      ),
    );
  }

  private signOut(): void {
    clearSession();
    this.session = undefined;
    this.api = undefined;
    this.showSignIn('Signed out.');
  }

  private go(route: Route): void {
    window.location.hash = formatRoute(route);
  }

  private openTyped(event: Event): void {
    event.preventDefault();
    const id = this.modelInput.value.trim();
    const project = this.projectSelect.value;
    if (!project) {
      replace(this.pickerMessage, status('error', 'Choose a project first.'));
      return;
    }
    if (!ID.test(id)) {
      replace(
        this.pickerMessage,
        status('error', 'A model id is 2-64 characters of a-z, 0-9, _ or -, starting with a letter.'),
      );
      this.modelInput.focus();
      return;
    }
    replace(this.pickerMessage);
    this.modelInput.value = '';
    this.go({ project, model: id });
  }

  /** The listed projects, or only the one the address names while they are not listed yet. */
  private fillProjects(project: string | undefined): void {
    const ids = this.projects?.map((p) => p.project_id) ?? (project ? [project] : []);
    replace(
      this.projectSelect,
      ids.length === 0
        ? h('option', { value: '' }, this.projects ? 'No projects' : 'Choose a project…')
        : null,
      ids.map((id) => h('option', { value: id, selected: id === project }, id)),
    );
  }

  /** `models` undefined: still being listed. */
  private fillPickers(
    project: string | undefined,
    model: string | undefined,
    models: ModelInfo[] | undefined,
  ): void {
    this.fillProjects(project);
    // Only models the API listed or confirmed: an id typed or linked joins once the API has answered it.
    const known = model !== undefined && (models ?? []).some((m) => m.model_id === model);
    const prompt =
      models === undefined ? 'Loading models…' : models.length === 0 ? 'No models yet' : 'Choose a model…';
    replace(
      this.modelSelect,
      h('option', { value: '', selected: !known }, prompt),
      (models ?? []).map((m) =>
        h('option', { value: m.model_id, selected: m.model_id === model }, m.model_id),
      ),
    );
  }

  /**
   * The listed models, or none (with the reason beside the pickers) when they could not be listed; undefined
   * when the token was refused, or the project is unknown to it (a 403 or 404 while the projects are not listed).
   */
  private async listedModels(project: string | undefined): Promise<ModelInfo[] | undefined> {
    if (!project) return [];
    if (this.projects && !this.projects.some((p) => p.project_id === project)) return undefined;
    try {
      const models = await this.modelsOf(project);
      replace(this.pickerMessage);
      return models;
    } catch (error) {
      if (this.rejected(error)) return undefined;
      if (!this.projects && error instanceof ApiError && (error.status === 403 || error.status === 404)) {
        return undefined;
      }
      replace(this.pickerMessage, status('error', `Could not list the models: ${messageOf(error)}`));
      return [];
    }
  }

  private async route(): Promise<void> {
    if (!this.api) return;
    const route = parseRoute(window.location.hash);
    if (!route.project && !this.projects) await this.listProjects();
    if (!this.api) return;
    const first = this.projects?.[0];
    if (!route.project && first) {
      window.history.replaceState(null, '', formatRoute({ project: first.project_id }));
      return this.route();
    }
    // The project's page lists its models anew, so a model registered since shows there.
    if (!route.model && this.listing && !this.listing.fresh) this.listing = undefined;
    // The project is chosen at once, so the "Open model by id" box works while the models are listed.
    if (this.listing?.project !== route.project) this.fillPickers(route.project, route.model, undefined);
    const listed = await this.listedModels(route.project);
    // Signed out meanwhile, or another model or project was asked for while the models were listed.
    if (!this.api) return;
    const now = parseRoute(window.location.hash);
    if (now.project !== route.project || now.model !== route.model) return;
    const models = listed ?? [];
    this.fillPickers(route.project, route.model, models);
    if (this.shown.project === route.project && this.shown.model === route.model && this.view) {
      await this.view.navigate(route);
      return;
    }
    this.view?.destroy();
    this.view = undefined;
    this.shown = { project: route.project, model: route.model };
    document.title = route.model ? `${route.model} · Monitor · Modelwatch` : 'Modelwatch';
    if (!route.project && !this.projects) {
      replace(
        this.main,
        status('error', 'The projects could not be listed; open the Project picker to retry.'),
      );
      return;
    }
    if (!route.project) {
      replace(
        this.main,
        status(
          'empty',
          'This token sees no projects. An admin creates them with POST /v1/projects and grants tokens with POST /v1/tokens.',
        ),
      );
      return;
    }
    if (listed === undefined) {
      replace(
        this.main,
        status('error', `Project ${route.project} does not exist or this token may not see it.`),
      );
      return;
    }
    if (!route.model) {
      replace(this.main, this.chooseModel(route.project, models));
      return;
    }
    await this.openModel(route);
  }

  private chooseModel(project: string, models: ModelInfo[]): HTMLElement {
    if (models.length > 0) {
      return status(
        'empty',
        `Open a model of ${project}:`,
        h(
          'ul',
          { class: 'model-links' },
          models.map((m) =>
            h(
              'li',
              {},
              h('a', { href: formatRoute({ project, model: m.model_id }) }, m.model_id),
              h('span', { class: 'muted' }, ` · ${m.task.replace(/_/g, ' ')}`),
            ),
          ),
        ),
      );
    }
    return firstEventGuide(project, this.base || window.location.origin);
  }

  private async openModel(route: Route): Promise<void> {
    const { project, model } = route as Required<Pick<Route, 'project' | 'model'>>;
    replace(this.main, status('loading', `Loading model ${model}…`));
    let info: ModelInfo | undefined;
    // The listing just read holds the model's info: the first view opened from it needs no request of its own.
    const listing = this.listing?.project === project ? this.listing : undefined;
    const listed = listing ? await listing.models.catch((): ModelInfo[] => []) : [];
    if (listing?.fresh) {
      listing.fresh = false;
      info = listed.find((m) => m.model_id === model);
    }
    try {
      info ??= await (this.api as ApiClient).model(project, model);
    } catch (error) {
      if (this.shown.model !== model) return;
      const missing = error instanceof ApiError && error.status === 404;
      const text = missing
        ? `There is no model ${model} in project ${project}.`
        : `Could not load model ${model}: ${messageOf(error)}`;
      replace(this.main, status('error', text));
      return;
    }
    if (this.shown.model !== model || this.shown.project !== project) return;
    // A model registered since the listing joins it once the API has answered for it.
    if (!listed.some((m) => m.model_id === model)) listed.push(info);
    this.fillPickers(project, model, listed);
    const view = new MonitorView(this.api as ApiClient, info, route, (next) => {
      window.history.replaceState(null, '', formatRoute(next));
    });
    this.view = view;
    replace(this.main, view.element);
    await view.start();
  }
}

/** What an empty project shows: the three calls from nothing to a first event, ready to paste. */
function firstEventGuide(project: string, api: string): HTMLElement {
  const path = `${api}/v1/projects/${project}`;
  const steps: Array<[string, string]> = [
    [
      'Upload a baseline: a sample of the data the model was trained on (CSV with a header).',
      `curl -X PUT -H "authorization: Bearer $TOKEN" -H 'content-type: text/csv' \\\n  --data-binary @baseline.csv ${path}/datasets/baseline`,
    ],
    [
      'Register the model: its task and which columns are inputs, outputs and targets.',
      `curl -X PUT -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\\n  ${path}/models/my_model -d '{"dataset_id": "baseline", "task": "binary_classification",\n  "inputs": ["Age", "Balance"], "outputs": ["probability"], "targets": ["churned"]}'`,
    ],
    [
      'Send a first event: a prediction with its inputs (the label can follow later as an update).',
      `curl -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\\n  ${path}/models/my_model/events -d '{"event": {"Age": 45, "Balance": 1200.5, "probability": 0.21}}'`,
    ],
  ];
  return h(
    'section',
    { class: 'panel first-event', 'data-panel': 'first-event', 'aria-labelledby': 'first-event-title' },
    h('h2', { id: 'first-event-title' }, `Project ${project} has no model yet`),
    h('p', {}, 'Register one and send a first event. With your API token in $TOKEN:'),
    h(
      'ol',
      { class: 'steps' },
      steps.map(([text, command]) => h('li', {}, h('p', {}, text), h('pre', {}, h('code', {}, command)))),
    ),
    h(
      'p',
      { class: 'muted' },
      'Then open my_model above: metrics appear within seconds of the events. The full API reference is at ',
      h('a', { href: `${api}/docs` }, '/docs'),
      '.',
    ),
  );
}

function skipToMain(event: Event): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
