/**
 * Request bodies at the boundary: JSON read with a size limit and validated with a contracts
 * schema (400 naming every problem, 413 over the limit — also for a chunked body that sends no
 * Content-Length). A refused body is still read to its end, up to {@link MAX_DISCARDED_BODY_BYTES}
 * and thrown away: a server that answers while the client is still sending either resets the
 * connection under it (the client then sees no answer at all) or — under workerd — breaks the
 * next request; reading what remains lets the answer arrive and the connection be reused.
 * A body is JSON or nothing: any other media type is refused with 415 before anything reads it
 * (what a web page of another origin can send without asking — a form, text/plain — never
 * reaches a handler).
 */
import { describeZodError, DEFAULT_MAX_BODY_BYTES } from '@flotilla/contracts';
import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../errors.js';

/** Most bytes of a refused body read and thrown away before the connection is given up. */
export const MAX_DISCARDED_BODY_BYTES = 16 * 1024 * 1024;

/** Read what is left of `reader` and throw it away, up to `maxBytes`; then cancel it. Never throws. */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number): Promise<void> {
  let read = 0;
  try {
    while (read <= maxBytes) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // the client went away
  }
}

/**
 * Read what is left of a request's body and throw it away (see the module comment), when nothing
 * has read it yet. For error answers to requests whose body was never looked at. Never throws.
 */
export async function discardUnreadBody(request: Request, maxBytes = MAX_DISCARDED_BODY_BYTES): Promise<void> {
  if (!request.body || request.bodyUsed || request.body.locked) return;
  await discardRest(request.body.getReader(), maxBytes);
}

/**
 * Read a request body as UTF-8 text, refusing it once it passes `maxBytes` — counted as it
 * arrives, so an oversized body is never held whole.
 * @throws FlotillaError payload_too_large (413)
 */
export async function readTextCapped(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  const tooLarge = (size: string) => payloadTooLarge(`request body is ${size} bytes; the limit is ${maxBytes} bytes`);
  if (!request.body) return '';
  const reader = request.body.getReader();
  if (declared > maxBytes) {
    await discardRest(reader, MAX_DISCARDED_BODY_BYTES);
    throw tooLarge(String(declared));
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await discardRest(reader, MAX_DISCARDED_BODY_BYTES);
      throw tooLarge('over ' + String(maxBytes));
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

/** True for `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonMediaType(contentType: string): boolean {
  return contentType.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * Refuse a request that carries a body, or says it does, unless it is JSON: a Content-Type other
 * than `application/json`, or a body (Content-Length above 0, or chunked) without one. A request
 * with neither body nor Content-Type passes.
 * @throws FlotillaError unsupported_media_type (415) saying what to send
 */
export function requireJsonMediaType(request: Request): void {
  const contentType = request.headers.get('content-type');
  if (contentType !== null) {
    if (isJsonMediaType(contentType)) return;
    throw unsupportedMediaType(`request bodies must be JSON (Content-Type: application/json), not ${contentType.split(';')[0]?.trim() || 'an empty type'}`);
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  const hasBody = request.headers.has('transfer-encoding') || (Number.isFinite(declared) && declared > 0);
  if (hasBody) throw unsupportedMediaType('a request body must say Content-Type: application/json');
}

/** Validate `value` with `schema`, or throw a 400 naming every problem (`field: message; …`). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(describeZodError(result.error), result.error.issues);
  return result.data;
}

/**
 * The request body as JSON, validated with `schema`. An empty body is read as `{}`.
 * @param maxBytes body limit in bytes (413 above it); default 1 MiB
 * @throws FlotillaError 400 (not JSON, or the schema refuses it), 413 (too large)
 */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S, maxBytes: number = DEFAULT_MAX_BODY_BYTES): Promise<z.output<S>> {
  const text = await readTextCapped(c.req.raw, maxBytes);
  let json: unknown;
  try {
    json = text.trim().length === 0 ? {} : JSON.parse(text);
  } catch {
    throw badRequest('request body is not valid JSON');
  }
  return parseWith(schema, json);
}
