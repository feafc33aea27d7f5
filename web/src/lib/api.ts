export const apiBase = '/api/v1';

export type FieldIssue = { path: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let csrfToken: string | null = null;
let unauthorizedListener: ((path: string) => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called for any 401 except on the endpoints that establish or probe a session. */
export function onUnauthorized(listener: ((path: string) => void) | null): void {
  unauthorizedListener = listener;
}

const sessionProbePaths = ['/me', '/auth/sign-in', '/auth/sign-out'];

export type QueryValue = string | number | boolean | null | undefined | readonly string[];

export function buildQuery(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) search.set(key, value.join(','));
      continue;
    }
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function apiUrl(path: string, params: Record<string, QueryValue> = {}): string {
  return `${apiBase}${path}${buildQuery(params)}`;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function readError(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = response.statusText || `HTTP ${response.status}`;
  let details: unknown = undefined;
  try {
    const body: unknown = await response.json();
    if (body && typeof body === 'object' && 'error' in body) {
      const error = (body as { error: { code?: unknown; message?: unknown; details?: unknown } }).error;
      if (typeof error.code === 'string') code = error.code;
      if (typeof error.message === 'string') message = error.message;
      details = error.details;
    }
  } catch {
    // A non-JSON error body (proxy, crash page) still gets a usable ApiError.
  }
  return new ApiError(response.status, code, message, details);
}

export async function request<T>(
  method: Method,
  path: string,
  options: { body?: unknown; params?: Record<string, QueryValue>; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.params), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      0,
      'network_error',
      error instanceof Error ? error.message : 'Network error',
      undefined,
    );
  }
  if (!response.ok) {
    const error = await readError(response);
    if (response.status === 401 && !sessionProbePaths.includes(path)) unauthorizedListener?.(path);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export function apiGet<T>(
  path: string,
  params?: Record<string, QueryValue>,
  signal?: AbortSignal,
): Promise<T> {
  return request<T>('GET', path, { params, signal });
}

export function apiPost<T>(path: string, body?: unknown): Promise<T> {
  return request<T>('POST', path, { body: body ?? {} });
}

export function apiPatch<T>(path: string, body: unknown): Promise<T> {
  return request<T>('PATCH', path, { body });
}

export function apiDelete<T = void>(path: string): Promise<T> {
  return request<T>('DELETE', path);
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

/** Field messages from a 400/422 answer, keyed by the last path segment the form knows. */
export function fieldIssues(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return [];
  return error.details.flatMap((entry: unknown) => {
    if (!entry || typeof entry !== 'object') return [];
    const { path, message } = entry as { path?: unknown; message?: unknown };
    if (typeof message !== 'string') return [];
    const text = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
    return [{ path: text, message }];
  });
}

/** Server field messages keyed by the path's last segments, e.g. "products.0.licenses" stays whole, "body.email" → "email". */
export function serverFieldMessages(error: unknown): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const issue of fieldIssues(error)) {
    const path = issue.path.replace(/^(body|query|params)\./, '');
    if (path && !(path in messages)) messages[path] = issue.message;
  }
  return messages;
}
