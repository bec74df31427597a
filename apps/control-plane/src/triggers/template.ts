/**
 * Filling a trigger's task template: each `{{name}}` (letters, digits, `_`, `.`, `-`; spaces
 * around the name allowed) is replaced by the value of `name`, or by nothing when it has none.
 * The result is what `POST /api/projects/:projectId/tasks` would take (contracts
 * CreateTaskRequest), so it is validated like a typed task.
 */
import { CreateTaskRequest, MAX_TRIGGER_TEMPLATE_CHARS, type TriggerTemplate } from '@flotilla/contracts';
import { parseWith } from '@flotilla/kit/hono';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** `text` with its placeholders filled from `values` (cut to the template's length limit). */
export function fillTemplate(text: string, values: Record<string, string | number | boolean | undefined>): string {
  const filled = text.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    return value === undefined ? '' : String(value);
  });
  return filled.slice(0, 5 * MAX_TRIGGER_TEMPLATE_CHARS);
}

/**
 * The task request a trigger makes: the template's description (or `description`, when the
 * event brings one) and title filled from `values`.
 * @throws FlotillaError bad_request (400) when the filled description is empty
 */
export function taskRequestOf(template: TriggerTemplate, values: Record<string, string | number | boolean | undefined>, description?: string): CreateTaskRequest {
  const title = template.title ? fillTemplate(template.title, values).trim().slice(0, 200) : '';
  return parseWith(CreateTaskRequest, {
    description: description ?? fillTemplate(template.description, values),
    ...(title ? { title } : {}),
    ...(template.agentType ? { agentType: template.agentType } : {}),
    run: template.run,
  });
}
