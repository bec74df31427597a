/** What the stand-in server (server.ts) and the tests inside workerd (helpers.ts) share. */
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

