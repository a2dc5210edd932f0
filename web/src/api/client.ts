/**
 * The one place the UI talks to the server. Every call goes through
 * `request`, which tracks the connection for the banners: reachable or not,
 * and whether the server asks for a sign-in (401), where a login page can
 * take over.
 */
import type {
  DefinitionOverview,
  FieldProblem,
  HistoryPage,
  LogPage,
  ProcessDefinition,
  TaskDefinition,
  WaitingTrigger,
  WireProcessPage,
} from './types.js';

/** An answer other than 2xx, or no answer at all (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
  }

  get notFound(): boolean {
    // A malformed id in the URL (400 naming the id) is as unknown as a well-formed one that does not exist.
    return this.status === 404 || (this.status === 400 && /_id|before/.test(this.problems[0]?.field ?? ''));
  }
}

/** What the last answer said about the connection. */
export type ConnectionState = 'ok' | 'unreachable' | 'unauthorized';

type Listener = () => void;
const listeners = new Set<Listener>();
let state: ConnectionState = 'ok';

function setState(value: ConnectionState): void {
  if (state === value) return;
  state = value;
  for (const l of listeners) l();
}

/** For useSyncExternalStore: the connection as of the last request. */
export const connection = {
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  state: (): ConnectionState => state,
};

declare global {
  interface Window {
    /** What index.html's script already asked for while the scripts loaded, by address. */
    sundialEarly?: Map<string, Promise<Response>>;
  }
}

/** The early answer for `path`, once: a later read of the same address asks the server again. */
function takeEarly(path: string): Promise<Response> | undefined {
  const response = window.sundialEarly?.get(path);
  window.sundialEarly?.delete(path);
  return response;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await exchange(method, path, body)).json as T;
}

/** A request's JSON answer with its headers (a trigger's say which run it became). */
async function exchange(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ json: unknown; headers: Headers }> {
  let res: Response;
  try {
    res = await ((method === 'GET' ? takeEarly(path) : undefined) ??
      fetch(path, {
        method,
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          // Writes through the session cookie need it: another site cannot add it (see the server's auth).
          'x-sundial-csrf': '1',
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      }));
  } catch {
    setState('unreachable');
    throw new ApiError(0, 'The Sundial server cannot be reached');
  }
  // A proxy in front of a stopped server answers for it.
  setState([502, 503, 504].includes(res.status) ? 'unreachable' : res.status === 401 ? 'unauthorized' : 'ok');
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (json ?? {}) as { message?: string; errors?: FieldProblem[] };
    throw new ApiError(res.status, err.message ?? `${res.status} ${res.statusText}`, err.errors ?? []);
  }
  return { json, headers: res.headers };
}

const enc = encodeURIComponent;
const definitionPath = (name: string) => `/api/process_definitions/${enc(name)}`;

export type LogKind = 'tasks' | 'processes';

/** What a trigger answered: its request, and its run when the scheduler started it at once. */
export interface TriggerAnswer {
  requestId: string;
  processId?: string;
}

export type Role = 'viewer' | 'operator' | 'admin';

/** Whether the server asks for sign-in, and who is signed in. */
export interface Session {
  auth: boolean;
  name?: string;
  role?: Role;
}

export const api = {
  session: () => request<Session>('GET', '/api/session'),
  /** Trades an API token for an HttpOnly session cookie; the token is not kept in the page. */
  signIn: (token: string) => request<Session>('POST', '/api/session', { token }),
  signOut: () => request<void>('DELETE', '/api/session'),
  health: () => request<{ status: string }>('GET', '/_internal_/healthcheck'),
  overview: () => request<DefinitionOverview[]>('GET', '/api/definition_overview'),
  definition: (name: string) => request<ProcessDefinition>('GET', definitionPath(name)),
  putDefinition: (def: ProcessDefinition) =>
    request<ProcessDefinition>('PUT', definitionPath(def.process_definition_name), def),
  history: (name: string, before?: string) =>
    request<HistoryPage>(
      'GET',
      `${definitionPath(name)}/history?limit=20${before ? `&before=${enc(before)}` : ''}`,
    ),
  /** Starts a run; the answer names it once the scheduler has started it, and the request in any case. */
  trigger: async (name: string, tasks?: readonly string[]): Promise<TriggerAnswer> => {
    const query = (tasks ?? []).map((t) => `task_definition_name=${enc(t)}`).join('&');
    const { headers } = await exchange('POST', `${definitionPath(name)}/trigger${query ? `?${query}` : ''}`);
    const processId = headers.get('sundial-process-id');
    return { requestId: headers.get('sundial-trigger-request-id') ?? '', ...(processId && { processId }) };
  },
  /** The triggers of a definition whose runs have not started yet, oldest first. */
  waitingTriggers: (name: string) =>
    request<WaitingTrigger[]>('GET', `/api/trigger_requests?process_definition_name=${enc(name)}`),
  /** A trigger request: its `process_id` is null until its run starts. */
  triggerRequest: (id: string) =>
    request<{ process_id: string | null }>('GET', `/api/trigger_requests/${enc(id)}`),
  setPaused: (name: string, paused: boolean) =>
    request<void>('POST', `${definitionPath(name)}/${paused ? 'pause' : 'resume'}`),
  /**
   * A run with `limit` of its attempts (those after the attempt `after`, in
   * task name order) and no inlined log lines (the log view pages them).
   */
  processPage: (id: string, limit: number, after?: string) =>
    request<WireProcessPage>(
      'GET',
      `/api/processes/${enc(id)}?log_entries=0&limit=${limit}${after ? `&after=${enc(after)}` : ''}`,
    ),
  taskDefinitions: (id: string) =>
    request<TaskDefinition[]>('GET', `/api/processes/${enc(id)}/task_definitions`),
  kill: (id: string) => request<void>('POST', `/api/processes/${enc(id)}/kill`),
  retry: (id: string) => request<void>('POST', `/api/processes/${enc(id)}/retry`),
  /** The `limit` lines before `before` (the end of the log when omitted). */
  logBefore: (kind: LogKind, id: string, limit: number, before = Number.MAX_SAFE_INTEGER) =>
    request<LogPage>('GET', `/api/${kind}/${enc(id)}/logs?before=${before}&limit=${limit}`),
  /** Server-Sent Events of lines after `after`; the browser's EventSource resumes it with Last-Event-ID. */
  logStreamUrl: (kind: LogKind, id: string, after: string) =>
    `/api/${kind}/${enc(id)}/logs/stream?after=${enc(after)}`,
};
