import { TribarError } from '@tribar/core';

/** A failed call to an MLflow tracking server: the endpoint, the HTTP status and MLflow's `error_code` and message. */
export class MlflowRestError extends TribarError {
  readonly endpoint: string;
  readonly status: number;
  /** MLflow's `error_code` (`RESOURCE_DOES_NOT_EXIST`, `INVALID_PARAMETER_VALUE`…), or `HTTP_<status>`. */
  readonly errorCode: string;

  constructor(endpoint: string, status: number, errorCode: string, message: string, hint?: string) {
    super('TRACKING_SERVER', `MLflow server: ${endpoint} answered ${status} ${errorCode}: ${message}`, hint === undefined ? {} : { hint });
    this.endpoint = endpoint;
    this.status = status;
    this.errorCode = errorCode;
  }
}

export interface RestClientOptions {
  /** Replaces the global `fetch` (tests). */
  fetch?: typeof fetch;
  /** `Authorization` header value (from `MLFLOW_TRACKING_TOKEN`, or user and password). */
  authorization?: string;
}

/** The `Authorization` header MLflow's own client sends for these environment variables. */
export function authorizationFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const token = env['MLFLOW_TRACKING_TOKEN'];
  if (token) return `Bearer ${token}`;
  const user = env['MLFLOW_TRACKING_USERNAME'];
  const password = env['MLFLOW_TRACKING_PASSWORD'];
  if (user && password !== undefined) return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return undefined;
}

/** JSON over HTTP to one MLflow tracking server (`/api/2.0/mlflow/...`), and file uploads to its artifacts proxy. */
export class MlflowRestClient {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #authorization: string | undefined;

  constructor(baseUrl: string, options: RestClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? fetch;
    this.#authorization = options.authorization;
  }

  async #send(method: string, endpoint: string, body: string | Uint8Array | undefined, contentType: string | undefined): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (contentType !== undefined) headers['content-type'] = contentType;
    if (this.#authorization !== undefined) headers['authorization'] = this.#authorization;
    let response: Response;
    try {
      response = await this.#fetch(`${this.baseUrl}${endpoint}`, { method, headers, ...(body === undefined ? {} : { body }) });
    } catch (error) {
      throw new MlflowRestError(
        endpoint,
        0,
        'UNREACHABLE',
        (error as Error).message,
        `Check MLFLOW_TRACKING_URI (${this.baseUrl}) and that the server runs.`,
      );
    }
    const text = await response.text();
    let parsed: unknown = {};
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = { message: text.slice(0, 200) };
      }
    }
    if (!response.ok) {
      const { error_code: code, message } = (parsed ?? {}) as { error_code?: string; message?: string };
      throw new MlflowRestError(
        endpoint,
        response.status,
        code ?? `HTTP_${response.status}`,
        message ?? response.statusText,
        response.status === 401 || response.status === 403
          ? 'Set MLFLOW_TRACKING_TOKEN (or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD).'
          : undefined,
      );
    }
    return parsed;
  }

  /** GET with query parameters. */
  get(endpoint: string, query: Record<string, string>): Promise<unknown> {
    return this.#send('GET', `${endpoint}?${new URLSearchParams(query).toString()}`, undefined, undefined);
  }

  post(endpoint: string, body: unknown): Promise<unknown> {
    return this.#send('POST', endpoint, JSON.stringify(body), 'application/json');
  }

  /** Upload bytes to `/api/2.0/mlflow-artifacts/artifacts/<path>` (the server's artifacts proxy). */
  async putArtifact(path: string, content: Uint8Array): Promise<void> {
    const encoded = path
      .split('/')
      .filter((segment) => segment !== '')
      .map(encodeURIComponent)
      .join('/');
    await this.#send('PUT', `/api/2.0/mlflow-artifacts/artifacts/${encoded}`, content, 'application/octet-stream');
  }
}
