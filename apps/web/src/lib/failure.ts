/**
 * A failed task's error, as the control plane and the node daemon write it, told in one plain
 * sentence with what to do (the result card and the board card). The raw error stays available
 * behind "Details". The patterns follow the texts of: the TaskRunner (runs/run-loop.ts `step X
 * failed: …` / `step X timed out after N ms`, runs/node-steps.ts `node lost: …`), the node
 * daemon's workspace creation (git/git.ts `git clone failed (exit N)`, git/mirror.ts `base branch
 * "x" does not exist`), its agent start (agents/process/missing-settings.ts, agent-failure.ts) and
 * its task completion (tasks/task-completion.ts).
 */

/** A failure told plainly: what happened (`sentence`) and what to do about it (`hint`). */
export interface FailureExplanation {
  sentence: string;
  hint: string;
}

/** Execution steps in words a user knows. */
const STEP_WORDS: Record<string, string> = {
  node_selection: 'choosing a node',
  node_provisioning: 'starting a node',
  node_agent_ready: 'waiting for the node to start',
  workspace_creation: 'creating the workspace',
  workspace_ready: 'cloning the repository',
  agent_session: 'starting the agent',
  running: 'the agent was working',
};

interface Rule {
  test: RegExp;
  explain: (match: RegExpMatchArray, error: string) => FailureExplanation;
}

const RETRY = 'Retry starts a new run in a fresh workspace.';

const RULES: readonly Rule[] = [
  {
    test: /base branch "([^"]+)" does not exist/,
    explain: (m) => ({
      sentence: `The branch "${m[1] ?? ''}" does not exist in the project's repository.`,
      hint: "Set the project's default branch to one that exists in the project settings, then retry.",
    }),
  },
  {
    test: /git (?:clone|fetch|ls-remote)[^:]*(?:failed|timed out)/,
    explain: () => ({
      sentence: "The project's repository could not be cloned.",
      hint: 'Check the repository path or URL and its access token in the project settings, then retry.',
    }),
  },
  {
    test: /workspace \S+ could not be created/,
    explain: () => ({ sentence: 'The workspace for this task could not be created on its node.', hint: `What went wrong is in the details. ${RETRY}` }),
  },
  {
    test: /cannot start: ([A-Z0-9_]+(?: and [A-Z0-9_]+)*) (?:is|are) not set/,
    explain: (m) => ({
      sentence: `The agent could not start: ${m[1] ?? 'a setting'} is missing.`,
      hint: "Store the agent's credential in the project settings (or set it in the environment of flotilla up), then retry.",
    }),
  },
  {
    test: /(?:API key|repository token) cannot be used/,
    explain: () => ({
      sentence: 'A saved credential could not be read.',
      hint: 'Save it again in the project settings, then retry.',
    }),
  },
  {
    test: /agent package (\S+) is not installed/,
    explain: () => ({
      sentence: 'The agent is not installed on the node.',
      hint: 'Install the agents on the node (npm ci in the Flotilla checkout), or choose another agent, then retry.',
    }),
  },
  {
    test: /agent (?:exited with code (\d+)|was killed by (\S+))/,
    explain: (m) => ({
      sentence: `The agent stopped unexpectedly (${m[1] !== undefined ? `exit code ${m[1]}` : `killed by ${m[2] ?? 'a signal'}`}).`,
      hint: `What it printed is in the details. ${RETRY}`,
    }),
  },
  {
    test: /agent ended the turn with stop reason "([^"]+)"/,
    explain: (m) => ({
      sentence: `The agent stopped before finishing (${(m[1] ?? '').replace(/_/g, ' ')}).`,
      hint: `Make the task smaller or clearer, then retry.`,
    }),
  },
  {
    test: /agent returned JSON-RPC error/,
    explain: () => ({ sentence: 'The agent reported an error and stopped.', hint: `What it said is in the details. ${RETRY}` }),
  },
  {
    test: /changes could not be committed/,
    explain: () => ({
      sentence: "The agent finished, but its changes could not be committed.",
      hint: `The workspace is kept: open it to see the changes. ${RETRY}`,
    }),
  },
  {
    test: /node lost/,
    explain: () => ({ sentence: 'The node running the task stopped responding.', hint: `Check the Nodes page. ${RETRY}` }),
  },
  {
    test: /no Hetzner API token is saved/,
    explain: () => ({ sentence: 'No cloud token is saved, so no node could be started.', hint: 'Save a Hetzner API token in Settings, then retry.' }),
  },
  {
    test: /node \S+ (?:failed|was never registered)|serves no node daemon artifact|user-data/,
    explain: () => ({ sentence: 'The node for this task could not be started.', hint: `Check the Nodes page and the cloud settings. ${RETRY}` }),
  },
  {
    test: /project \S+ no longer exists/,
    explain: () => ({ sentence: 'The project was deleted while the task ran.', hint: 'Nothing to do: the task cannot run again.' }),
  },
  {
    test: /step (\w+) timed out after (\d+) ms/,
    explain: (m) => ({
      sentence: `The run took too long while ${STEP_WORDS[m[1] ?? ''] ?? 'starting'} (${formatDuration(Number(m[2]))}) and was stopped.`,
      hint: `${RETRY} If it keeps happening, raise the step's time limit (STEP_…_TIMEOUT_MS).`,
    }),
  },
];

/** `90 s`, `10 min`, `4 h`: a duration in ms, roughly, in words. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'a while';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

/**
 * Explain a failed task's `error` (the task's `error` field) in one sentence with a hint. Texts
 * no rule knows get a plain "The run failed." with the retry hint; the first line of the raw
 * error is then the place to look (shown under Details).
 *
 * @param error - the raw error, or null when the task records none.
 */
export function explainFailure(error: string | null): FailureExplanation {
  const text = error ?? '';
  for (const rule of RULES) {
    const match = text.match(rule.test);
    if (match) return rule.explain(match, text);
  }
  return { sentence: 'The run failed.', hint: `The details say why. ${RETRY}` };
}
