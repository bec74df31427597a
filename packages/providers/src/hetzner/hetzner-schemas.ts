/**
 * The parts of the Hetzner Cloud API (https://docs.hetzner.cloud, `/v1`) the provider uses, as
 * Zod schemas of what Hetzner answers. Only the fields read are required; the rest pass through.
 */
import * as z from 'zod';

/** Hetzner's server status. */
export const HetznerServerStatus = z.enum(['running', 'initializing', 'starting', 'stopping', 'off', 'deleting', 'migrating', 'rebuilding', 'unknown']);

export const HetznerServer = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  status: HetznerServerStatus,
  labels: z.record(z.string(), z.string()).default({}),
  created: z.string().optional(),
  server_type: z.looseObject({ name: z.string() }).optional(),
  public_net: z.looseObject({ ipv4: z.looseObject({ ip: z.string() }).nullable().optional() }).optional(),
});
export type HetznerServer = z.infer<typeof HetznerServer>;

/** `POST /servers` answer (201). */
export const HetznerCreateServerResponse = z.looseObject({ server: HetznerServer });

/** `GET /servers` answer. */
export const HetznerListServersResponse = z.looseObject({
  servers: z.array(HetznerServer),
  meta: z.looseObject({ pagination: z.looseObject({ next_page: z.number().int().nullable() }) }).optional(),
});

/** Every Hetzner error: `{ "error": { "code", "message", "details" } }`. */
export const HetznerErrorBody = z.looseObject({
  error: z.looseObject({ code: z.string(), message: z.string() }),
});

/** `POST /servers` body (the fields Flotilla sets). */
export interface HetznerCreateServerRequest {
  name: string;
  server_type: string;
  image: string;
  location: string;
  user_data: string;
  labels: Record<string, string>;
  start_after_create: true;
}

/** Hetzner's limit on `user_data`: 32 KiB. */
export const HETZNER_USER_DATA_MAX_BYTES = 32 * 1024;
