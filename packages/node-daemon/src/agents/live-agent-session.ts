/**
 * In-memory state of an agent session whose agent process this daemon started: the process, the
 * ACP session, the raw update stream, and whether the daemon itself asked it to stop (so an exit
 * it caused is not reported as a failure).
 */
import type { AcpSession } from './acp-connection.js';
import type { AgentProcess } from './agent-process.js';
import { AgentUpdateStream } from './agent-update-stream.js';

export class LiveAgentSession {
  process: AgentProcess | null = null;
  acp: AcpSession | null = null;
  readonly updates: AgentUpdateStream;
  private stopping = false;

  constructor(
    readonly workspaceId: string,
    readonly agentSessionId: string,
    updateBufferSize: number,
  ) {
    this.updates = new AgentUpdateStream(updateBufferSize);
  }

  /** True once {@link stop} was called: the turn's outcome is no longer reported. */
  get stopRequested(): boolean {
    return this.stopping;
  }

  /**
   * Stop the agent: close the ACP connection and stop the process group (SIGTERM, SIGKILL after
   * `killTimeoutMs`). Safe to call at any point, also before the process exists — a process
   * spawned afterwards is stopped by the turn as soon as it sees {@link stopRequested}.
   */
  async stop(killTimeoutMs: number): Promise<void> {
    this.stopping = true;
    this.acp?.close();
    await this.process?.stop(killTimeoutMs);
  }
}
