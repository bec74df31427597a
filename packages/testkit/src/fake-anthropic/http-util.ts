import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Header names whose values are never recorded. */
const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key']);

/** Reads the whole request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a body as JSON; returns undefined for an empty body and the raw text when not JSON. */
export function parseBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Copies request headers, replacing the values of credential headers with `<redacted>`. */
export function redactHeaders(headers: IncomingMessage['headers']): Record<string, string | string[] | undefined> {
  const copy: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) copy[name] = SECRET_HEADERS.has(name) ? '<redacted>' : value;
  return copy;
}

/** SHA-256 of `text`, hex: how the fake records the API key it received (`apiKeySha256`). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash of a request's `x-api-key` header, or undefined when it has none. */
export function apiKeyHash(headers: IncomingMessage['headers']): string | undefined {
  const value = headers['x-api-key'];
  return typeof value === 'string' && value !== '' ? sha256Hex(value) : undefined;
}

/** The hash of a request's `Authorization: Bearer` token (an OAuth token), or undefined when it has none. */
export function bearerTokenHash(headers: IncomingMessage['headers']): string | undefined {
  const token = headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return token ? sha256Hex(token) : undefined;
}

/** Sends a JSON response (no body for HEAD requests). */
export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/**
 * Waits `ms` milliseconds, or less when the response's connection closes first.
 *
 * @returns true when the full time elapsed, false when the client went away
 */
export function waitUnlessClosed(res: ServerResponse, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!res.destroyed);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}
