/**
 * Calling a daemon under test the raw way: any method and path, any body (a string is sent as it
 * is, so malformed JSON can be sent too), and the status and parsed body back — what tests of the
 * API's refusals need, where a typed client would refuse to send.
 */

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface DaemonApi {
  request<T = unknown>(method: string, path: string, body?: unknown, token?: string | null): Promise<ApiResponse<T>>;
}

/** Calls `baseUrl` with `defaultToken` unless a call passes its own (null = no header). */
export function daemonApi(baseUrl: string, defaultToken: string): DaemonApi {
  return {
    async request<T>(method: string, path: string, body?: unknown, token: string | null = defaultToken) {
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    },
  };
}
