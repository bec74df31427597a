/**
 * Request validation at the boundary: JSON bodies against the contracts' Zod schemas, with a
 * size limit checked before parsing. Failures become 400/413 `HttpError`s naming the problem.
 */
import { describeZodError } from '@flotilla/contracts';
import type { Context } from 'hono';
import type { z } from 'zod';
import { HttpError, badRequest } from './errors.js';

/** Default body limit for JSON requests: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Parse the request body as JSON and validate it with `schema`.
 * @param maxBytes body size limit in bytes (413 above it)
 * @throws HttpError 400 (not JSON, or schema violation), 413 (too large)
 */
export async function parseJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes: number = DEFAULT_MAX_BODY_BYTES,
): Promise<z.infer<S>> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) {
    throw new HttpError('payload_too_large', `request body is ${declared} bytes; the limit is ${maxBytes} bytes`);
  }
  const text = await readTextCapped(c.req.raw, maxBytes);
  let json: unknown;
  try {
    json = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw badRequest('request body is not valid JSON');
  }
  return parseWith(schema, json);
}

/** Validate `value` with `schema` or throw a 400 naming every problem. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(describeZodError(result.error), result.error.issues);
  return result.data;
}

/**
 * Read a request body as UTF-8, refusing it as soon as it passes `maxBytes` — also when no
 * Content-Length was sent — so an oversized body is never held in memory whole.
 * @throws HttpError 413
 */
async function readTextCapped(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new HttpError('payload_too_large', `request body is over ${maxBytes} bytes, the limit`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
