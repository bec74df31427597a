import { structuredAnswer } from './structured-output.js';
import type { MessagesRequestBody } from './types.js';

/** Generic answer to a side call nothing more specific applies to. */
const GENERIC_ANSWER = 'OK.';

/**
 * Answer to Claude Code's auto-mode permission classifier: a severity well below its allow/block
 * boundary of 50, i.e. "allow". The fake's commands are scripted by the test itself.
 */
const CLASSIFIER_ANSWER = '<severity>5</severity>';

/** Marker of the classifier's output format in its system prompt. */
const CLASSIFIER_MARKER = '<severity>N</severity>';

/** All text of the system prompt (string or text blocks). */
function systemText(body: MessagesRequestBody): string {
  if (typeof body.system === 'string') return body.system;
  if (!Array.isArray(body.system)) return '';
  return body.system
    .map((block: unknown) => (typeof block === 'object' && block !== null && 'text' in block ? String(block.text) : ''))
    .join('\n');
}

/**
 * Chooses the text answering a side call (a Messages request outside the main conversation):
 * - structured output requested (`output_config.format` json_schema, e.g. the session title):
 *   JSON satisfying the schema;
 * - Claude Code's auto-mode permission classifier (system prompt asks for
 *   `<severity>N</severity>`): a low severity, so the scripted tool call is allowed;
 * - anything else: "OK.".
 */
export function sideCallText(body: MessagesRequestBody): string {
  const structured = structuredAnswer(body);
  if (structured !== undefined) return structured;
  if (systemText(body).includes(CLASSIFIER_MARKER)) return CLASSIFIER_ANSWER;
  return GENERIC_ANSWER;
}
