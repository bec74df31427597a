/**
 * JSON filled in from a response schema, for Gemini CLI's side calls that ask for JSON (the
 * next-speaker check, the model router, loop detection, …). Reads both Gemini's OpenAPI-style
 * `responseSchema` (types in capitals) and `responseJsonSchema` (JSON Schema).
 */

/** A schema, as far as this module reads it. */
export interface ResponseSchema {
  type?: string | string[];
  properties?: Record<string, ResponseSchema>;
  items?: ResponseSchema;
  enum?: unknown[];
  const?: unknown;
}

/** Text used for every string. */
const SAMPLE_STRING = 'fake';

/**
 * Enum values preferred when offered: `user` (the next-speaker check: the user speaks next, so
 * the turn ends), `flash` (the router: the model asked for).
 */
const PREFERRED_ENUM_VALUES = ['user', 'flash'];

/**
 * The value the fake answers for `schema`: every property filled (objects), an empty array,
 * `false`, `0`, a preferred or the first enum value, else the string "fake".
 */
export function fillSchema(schema: ResponseSchema | undefined): unknown {
  if (!schema) return SAMPLE_STRING;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return PREFERRED_ENUM_VALUES.find((value) => schema.enum?.includes(value)) ?? schema.enum[0];
  }
  const type = String(Array.isArray(schema.type) ? schema.type[0] : (schema.type ?? '')).toLowerCase();
  if (type === 'object' || (type === '' && schema.properties)) {
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, fillSchema(property)]));
  }
  if (type === 'array') return [];
  if (type === 'boolean') return false;
  if (type === 'number' || type === 'integer') return 0;
  if (type === 'null') return null;
  return SAMPLE_STRING;
}
