/**
 * The stand-in's control API, shared by its server (server.ts, Node) and the tests inside workerd
 * (apps/control-plane/test/helpers.ts), which import it as `@flotilla/testkit/stand-in/control`:
 * types only, so that workerd never sees the Node server.
 */
export type Scripted = { status: number; body?: unknown } | { hang: true } | { hold: string; status?: number; body?: unknown };

export interface Rule {
  method: string;
  path: string;
  perNode?: boolean;
  responses: Scripted[];
}

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
  /** What the stand-in answered: a status, `hang`, or `held:<name>` until released. */
  answer: string;
}

