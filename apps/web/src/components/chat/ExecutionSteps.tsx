/** The execution steps of a starting task, each marked done, current or to come. */
import { EXECUTION_STEPS, type ExecutionStep, type TaskStatus } from '@flotilla/contracts';

const LABELS: Record<ExecutionStep, string> = {
  node_selection: 'Selecting a node',
  node_provisioning: 'Provisioning the node',
  node_agent_ready: 'Waiting for the node daemon',
  workspace_creation: 'Creating the workspace',
  workspace_ready: 'Cloning the repository',
  agent_session: 'Starting the agent',
  running: 'Agent running',
};

export function ExecutionSteps({ status, step }: { status: TaskStatus; step: ExecutionStep | null }) {
  const current = step === null ? -1 : EXECUTION_STEPS.indexOf(step);
  return (
    <ol className="steps" aria-label="Execution steps">
      {(status === 'queued' || status === 'delegated') && step === null && (
        <li className="step current" aria-current="step">
          Queued
        </li>
      )}
      {EXECUTION_STEPS.map((name, index) => {
        const state = index < current ? 'done' : index === current ? 'current' : 'todo';
        return (
          <li key={name} className={`step ${state}`} aria-current={state === 'current' ? 'step' : undefined} data-step={name}>
            <span aria-hidden="true">{state === 'done' ? '✓' : state === 'current' ? '●' : '○'}</span> {LABELS[name]}
          </li>
        );
      })}
    </ol>
  );
}
