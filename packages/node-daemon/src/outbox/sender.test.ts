/** The outbox's HTTP sender against the fake control plane (testkit): one request per call, every failure classified. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentSendError, TransientSendError } from './errors.js';
import { createHttpMessageSender, type HttpMessageSenderOptions } from './sender.js';
import { FakeControlPlane } from '@flotilla/testkit/daemon';
import { makeMessage } from '../../test/outbox/helpers.js';

describe('createHttpMessageSender', () => {
  let server: FakeControlPlane;
  let token: string | undefined;

  const sender = (overrides: Partial<HttpMessageSenderOptions> = {}) =>
    createHttpMessageSender({ controlPlaneUrl: server.url, tokenFor: () => token, ...overrides });
  const sendOne = (overrides: Partial<HttpMessageSenderOptions> = {}) =>
    sender(overrides).send('w1', [makeMessage('hello')]);
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  beforeEach(async () => {
    server = await FakeControlPlane.start({ tokens: 'any' });
    token = 'tok-1';
  });

  afterEach(async () => {
    await server.close();
  });

  it('posts the batch with the workspace token and returns the answer', async () => {
    const messages = [makeMessage('a'), makeMessage('b')];
    const { send } = sender({ controlPlaneUrl: `${server.url}/` });
    expect(await send('w 1', messages)).toEqual({ persisted: 2, duplicates: 0 });
    expect(await send('w 1', messages)).toEqual({ persisted: 0, duplicates: 2 });
    expect(server.requests[0]).toMatchObject({ id: 'w 1', token: 'tok-1' });
    expect(server.received('w 1').map((m) => m.content)).toEqual(['a', 'b']);
  });

  it.each([500, 503, 408])('classifies HTTP %i as transient', async (status) => {
    server.failNext({ kind: 'status', status });
    const error = await failure(sendOne());
    expect(error).toBeInstanceOf(TransientSendError);
    expect(error).toMatchObject({ status, retryAfterMs: undefined });
  });

  it('reads Retry-After seconds and HTTP dates on 429', async () => {
    server.failNext({ kind: 'status', status: 429, retryAfter: '7' });
    expect(await failure(sendOne())).toMatchObject({ name: 'TransientSendError', status: 429, retryAfterMs: 7000 });
    const at = new Date(Date.now() + 60_000).toUTCString();
    server.failNext({ kind: 'status', status: 429, retryAfter: at });
    const error = (await failure(sendOne())) as TransientSendError;
    expect(error.retryAfterMs).toBeGreaterThan(50_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it.each([400, 401, 403, 404, 413, 409])('classifies HTTP %i as permanent, with the server message', async (status) => {
    server.failNext({ kind: 'status', status, message: `nope ${status}` });
    const error = await failure(sendOne());
    expect(error).toBeInstanceOf(PermanentSendError);
    expect(error).toMatchObject({ status, serverMessage: `nope ${status}` });
  });

  it('keeps the batch (transient) when a 401 answers an expired token, so a token refresh loses nothing', async () => {
    const jwt = (expSeconds: number): string =>
      ['{"alg":"none"}', JSON.stringify({ sub: 'nod_1', exp: expSeconds })].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.sig';
    token = jwt(Math.floor(Date.now() / 1000) - 60);
    server.failNext({ kind: 'status', status: 401, message: 'callback token is invalid or expired' });
    expect(await failure(sendOne())).toMatchObject({ name: 'TransientSendError', status: 401 });
    // The refreshed token is used on the next attempt, and the batch goes through.
    token = jwt(Math.floor(Date.now() / 1000) + 3600);
    expect(await sendOne()).toEqual({ persisted: 1, duplicates: 0 });
    expect(server.requests.at(-1)?.token).toBe(token);
    // A 401 to a token that has not expired is still permanent.
    server.failNext({ kind: 'status', status: 401, message: 'bad signature' });
    expect(await failure(sendOne())).toBeInstanceOf(PermanentSendError);
  });

  it('treats a refused or closed connection as transient', async () => {
    server.failNext({ kind: 'destroy' });
    expect(await failure(sendOne())).toBeInstanceOf(TransientSendError);
    await server.close();
    const refused = await failure(sendOne());
    expect(refused).toBeInstanceOf(TransientSendError);
    expect((refused as Error).message).toMatch(/request failed/);
    await server.reopen();
  });

  it('treats a timeout as transient', async () => {
    server.delayMs = 300;
    const error = await failure(sendOne({ requestTimeoutMs: 50 }));
    expect(error).toBeInstanceOf(TransientSendError);
    expect((error as Error).message).toMatch(/timed out after 50 ms/);
  });

  it('rejects with the caller signal reason when aborted', async () => {
    server.delayMs = 300;
    const controller = new AbortController();
    const pending = failure(sender().send('w1', [makeMessage('x')], controller.signal));
    controller.abort(new Error('stop now'));
    expect(await pending).toMatchObject({ message: 'stop now' });
  });

  it('treats a missing token as transient and asks for the token at every attempt', async () => {
    token = undefined;
    expect(await failure(sendOne())).toBeInstanceOf(TransientSendError);
    expect(server.requests).toHaveLength(0);
    token = 'tok-2';
    await sendOne();
    expect(server.requests[0]!.token).toBe('tok-2');
  });

  it('treats a 401 answered to a token rotated meanwhile as transient', async () => {
    server.tokens.set('w1', 'tok-2');
    server.delayMs = 50;
    const pending = failure(sendOne());
    token = 'tok-2';
    expect(await pending).toBeInstanceOf(TransientSendError);
    await sendOne();
    expect(server.received('w1')).toHaveLength(1);
    token = 'tok-3';
    expect(await failure(sendOne())).toBeInstanceOf(PermanentSendError);
  });

  it('refuses a body over the contract limit without sending it', async () => {
    const big = Array.from({ length: 3 }, () => makeMessage('big', 100_000));
    const error = await failure(sender().send('w1', big));
    expect(error).toMatchObject({ name: 'PermanentSendError', status: 413 });
    expect(server.requests).toHaveLength(0);
  });

  it('treats a 2xx that is not a PersistMessageBatchResponse as permanent', async () => {
    const fetch: typeof globalThis.fetch = async () => new Response('{"ok":true}', { status: 200 });
    expect(await failure(sendOne({ fetch }))).toMatchObject({ name: 'PermanentSendError', status: 200 });
  });
});
