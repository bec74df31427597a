/**
 * The raw ACP `session/update` notifications of one agent session, in process: a bounded ring
 * buffer (the last AGENT_UPDATE_BUFFER_SIZE updates, for late subscribers to catch up) and an
 * event per update. The workspace view's live stream (DESIGN.md §2 hop 4, "browsers inside the
 * workspace view also get the live stream straight from the daemon") will be served from this.
 */
import { EventEmitter } from 'node:events';
import type { SessionUpdate } from '@agentclientprotocol/sdk';

export interface RecordedUpdate {
  /** 1-based, increasing per agent session; gaps never occur. */
  seq: number;
  /** ISO-8601 time the daemon received the update. */
  receivedAt: string;
  update: SessionUpdate;
}

/** Ring buffer + emitter. Listen with `on('update', (recorded: RecordedUpdate) => …)`. */
export class AgentUpdateStream extends EventEmitter<{ update: [RecordedUpdate] }> {
  private readonly buffer: RecordedUpdate[] = [];
  private nextSeq = 1;

  /** @param capacity - most updates kept (>= 1). */
  constructor(private readonly capacity: number) {
    super();
  }

  /** Record one update and emit it to listeners. */
  push(update: SessionUpdate): RecordedUpdate {
    const recorded: RecordedUpdate = { seq: this.nextSeq++, receivedAt: new Date().toISOString(), update };
    this.buffer.push(recorded);
    if (this.buffer.length > this.capacity) this.buffer.shift();
    this.emit('update', recorded);
    return recorded;
  }

  /** Buffered updates with `seq > afterSeq`, oldest first. */
  since(afterSeq = 0): RecordedUpdate[] {
    return this.buffer.filter((recorded) => recorded.seq > afterSeq);
  }
}
