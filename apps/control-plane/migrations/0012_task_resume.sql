-- Migration 12 (issue 15, item 3): a task resumed by a follow-up prompt. `resume_message_id` is the
-- chat messageId of the follow-up that started the task's current run again (on its pushed
-- branch, with the conversation so far); NULL: the current run is not a resume (a first run or a
-- retry, which starts from the description).
ALTER TABLE tasks ADD COLUMN resume_message_id TEXT;
