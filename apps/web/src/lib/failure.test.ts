/**
 * explainFailure on the error texts the control plane and the node daemon write (copied from
 * their code and from failed runs), and the fallback for a text no rule knows.
 */
import { describe, expect, it } from 'vitest';
import { explainFailure, formatDuration } from './failure';

describe('explainFailure', () => {
  const cases: [string, RegExp, RegExp][] = [
    [
      "step workspace_ready failed: workspace ws_01J could not be created: git clone failed (exit 128): fatal: repository '/no/such/repo' does not exist",
      /repository could not be cloned/,
      /repository path or URL/,
    ],
    ['step workspace_ready failed: workspace ws_01J could not be created: base branch "trunk" does not exist in /srv/repo', /"trunk" does not exist/, /default branch/],
    ['step workspace_ready failed: workspace ws_01J could not be created: the sandbox of workspace ws_01J could not start its model gateway', /workspace for this task could not be created/, /Retry/],
    [
      'Claude Code (claude-code) cannot start: ANTHROPIC_API_KEY is not set — set it in the environment of `flotilla up` (or of the node daemon), or store a Claude Code credential in the project settings',
      /could not start: ANTHROPIC_API_KEY is missing/,
      /project settings/,
    ],
    ['agent exited with code 3 before the turn ended\n--- agent stderr (last part) ---\nboom', /stopped unexpectedly \(exit code 3\)/, /details/],
    ['agent was killed by SIGKILL before the turn ended', /killed by SIGKILL/, /Retry/],
    ['the agent ended the turn with stop reason "max_tokens"', /stopped before finishing \(max tokens\)/, /smaller/],
    ['agent returned JSON-RPC error -32603: Internal error', /reported an error/, /details/],
    ['The agent finished, but its changes could not be committed: git add failed (exit 128): fatal: index.lock', /could not be committed/, /workspace is kept/],
    ['step running failed: node lost: node nod_1 sent no heartbeat for 130000 ms (limit NODE_HEARTBEAT_TIMEOUT_MS=120000)', /stopped responding/, /Nodes page/],
    ['step node_provisioning failed: no Hetzner API token is saved: save one with PUT /api/credentials/cloud/hetzner', /No cloud token/, /Hetzner API token/],
    ['step node_agent_ready failed: node nod_1 failed: daemon exited', /could not be started/, /Nodes page/],
    ['step running timed out after 14400000 ms', /took too long while the agent was working \(4 h\)/, /time limit/],
    ['step the stored claude-code API key cannot be used (bad decrypt): store it again in the project settings', /credential could not be read/, /Save it again/],
  ];
  it.each(cases)('%s', (error, sentence, hint) => {
    const explained = explainFailure(error);
    expect(explained.sentence).toMatch(sentence);
    expect(explained.hint).toMatch(hint);
    // One sentence, no raw ids or paths.
    expect(explained.sentence).not.toMatch(/ws_|nod_|\/srv|exit 128/);
  });

  it('says plainly that the run failed when no rule knows the text, or there is none', () => {
    expect(explainFailure('something nobody expected')).toEqual({ sentence: 'The run failed.', hint: expect.stringMatching(/details/) as unknown as string });
    expect(explainFailure(null).sentence).toBe('The run failed.');
  });
});

describe('formatDuration', () => {
  it('rounds to seconds, minutes or hours', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(600_000)).toBe('10 min');
    expect(formatDuration(4 * 3_600_000)).toBe('4 h');
  });
});
