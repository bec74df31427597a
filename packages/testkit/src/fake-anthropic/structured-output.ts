import type { MessagesRequestBody } from './types.js';

/** Text used for every string in a generated structured answer. */
const SAMPLE_STRING = 'Offline session';

/** A JSON Schema, as far as this module reads it. */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
}

/** Builds the smallest value satisfying a (simple) JSON Schema: required properties only. */
export function sampleValue(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const name of schema.required ?? []) value[name] = sampleValue(schema.properties?.[name] ?? {});
      return value;
    }
    case 'array':
      return [];
    case 'string':
      return SAMPLE_STRING;
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return SAMPLE_STRING;
  }
}

/**
 * When the request asks for structured output (`output_config.format` of type `json_schema`,
 * as Claude Code's session-title call does), returns a JSON text satisfying the schema;
 * otherwise undefined.
 */
export function structuredAnswer(body: MessagesRequestBody): string | undefined {
  const outputConfig = body.output_config as { format?: { type?: string; schema?: JsonSchema } } | undefined;
  const format = outputConfig?.format;
  if (format?.type !== 'json_schema' || !format.schema) return undefined;
  return JSON.stringify(sampleValue(format.schema));
}
