/**
 * The parts of Cloudflare's API v4 (https://developers.cloudflare.com/api/, "DNS Records for a
 * Zone") the node DNS client uses, as Zod schemas of what Cloudflare answers. Every answer is
 * the envelope `{ success, errors: [{code, message}], messages, result, result_info? }`.
 */
import * as z from 'zod';

export const CloudflareDnsRecord = z.looseObject({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  content: z.string(),
  proxied: z.boolean().optional(),
  comment: z.string().nullable().optional(),
  created_on: z.string().optional(),
});
export type CloudflareDnsRecord = z.infer<typeof CloudflareDnsRecord>;

const ResultInfo = z.looseObject({ page: z.number().int(), total_pages: z.number().int() });

/** `GET /zones/{zone_id}/dns_records` answer. */
export const CloudflareListRecordsResponse = z.looseObject({ success: z.literal(true), result: z.array(CloudflareDnsRecord), result_info: ResultInfo.optional() });

/** `POST /zones/{zone_id}/dns_records` and `PUT /zones/{zone_id}/dns_records/{id}` answer. */
export const CloudflareRecordResponse = z.looseObject({ success: z.literal(true), result: CloudflareDnsRecord });

/** A failed answer. */
export const CloudflareErrorBody = z.looseObject({
  success: z.literal(false),
  errors: z.array(z.looseObject({ code: z.number().int(), message: z.string() })),
});

/** The body of a create or overwrite (the fields Flotilla sets). */
export interface CloudflareRecordRequest {
  type: 'A';
  name: string;
  content: string;
  /** 1 means "automatic" (required for proxied records). */
  ttl: 1;
  proxied: boolean;
  comment: string;
}
