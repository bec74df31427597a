/**
 * Describe a task at the bottom of the chat: "Run Now" (primary) starts it, "Save to Backlog"
 * (in the split button's menu) keeps it as a draft. Enter submits with Run Now, Shift+Enter is
 * a newline. Advanced options (priority, agent, VM size, "Run on…" several agents) are collapsed
 * by default.
 */
import type { AgentType, CreateTaskRequest, VmSize } from '@flotilla/contracts';
import { useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { errorText } from '../../lib/api';
import { useCreateTask } from '../../lib/queries';
import { SplitButton } from '../ui/SplitButton';
import { AdvancedOptions, type TaskOptions } from './AdvancedOptions';

interface Props {
  projectId: string;
  /** Called with the chat session of a task that was started. */
  onStarted(sessionId: string): void;
}

export function TaskSubmitForm({ projectId, onStarted }: Props) {
  const [description, setDescription] = useState('');
  const [options, setOptions] = useState<TaskOptions>({ priority: '', agentType: '', vmSize: '', runOn: [] });
  const [notice, setNotice] = useState<string | null>(null);
  const [validation, setValidation] = useState<string | null>(null);
  const create = useCreateTask(projectId);

  const submit = (run: boolean) => {
    setNotice(null);
    if (description.trim() === '') {
      setValidation('Describe the task first.');
      return;
    }
    setValidation(null);
    create.mutate(buildRequest(description, options, run), {
      onSuccess: (task) => {
        setDescription('');
        if (run && task.chatSessionId) onStarted(task.chatSessionId);
        if (!run) setNotice(`Saved “${task.title}” to the backlog as a draft.`);
      },
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit(true);
    }
  };

  const error = validation ?? (create.isError ? errorText(create.error) : null);
  return (
    <form className="task-form" aria-label="New task" onSubmit={(e) => (e.preventDefault(), submit(true))}>
      <label htmlFor="task-description" className="visually-hidden">
        Describe a task
      </label>
      <textarea
        id="task-description"
        rows={3}
        placeholder="Describe a task… (Enter runs it, Shift+Enter for a new line)"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        onKeyDown={onKeyDown}
        aria-invalid={validation !== null}
        aria-describedby={error ? 'task-form-error' : undefined}
      />
      <div className="task-form-actions">
        <AdvancedOptions value={options} onChange={setOptions} />
        <SplitButton
          label={create.isPending ? 'Submitting…' : 'Run Now'}
          onPrimary={() => submit(true)}
          options={[{ label: 'Save to Backlog', onSelect: () => submit(false) }]}
          disabled={create.isPending}
          menuLabel="More ways to submit"
        />
      </div>
      {error && (
        <p id="task-form-error" role="alert" className="error small">
          {error}
          {/credential|api key/i.test(error) && (
            <>
              {' '}
              <Link to={`/projects/${projectId}/settings`}>Add agent credentials in settings</Link>
            </>
          )}
        </p>
      )}
      {notice && (
        <p role="status" className="notice small">
          {notice} <Link to={`/projects/${projectId}/board`}>Open the board</Link>
        </p>
      )}
    </form>
  );
}

function buildRequest(description: string, options: TaskOptions, run: boolean): CreateTaskRequest {
  const request: CreateTaskRequest = { description, run };
  if (options.priority !== '') request.priority = Number(options.priority);
  if (options.runOn.length > 1) request.agentTypes = options.runOn;
  else if (options.runOn.length === 1) request.agentType = options.runOn[0];
  else if (options.agentType !== '') request.agentType = options.agentType as AgentType;
  if (options.vmSize !== '') request.vmSize = options.vmSize as VmSize;
  return request;
}
