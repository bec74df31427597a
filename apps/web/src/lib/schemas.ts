/**
 * Shapes the API answers with that `@flotilla/contracts` builds from its schemas but does not
 * name: a chat session as `GET …/sessions` lists it, with its task's title and status.
 */
import { ChatSession, TaskStatus } from '@flotilla/contracts';
import { z } from 'zod';

export const SessionWithTask = ChatSession.extend({
  task: z.object({ title: z.string(), status: TaskStatus }).nullable().optional(),
});
export type SessionWithTask = z.infer<typeof SessionWithTask>;
