import type { ChatDraft, ChatMessage } from '@flotilla/contracts';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { dropDrafts, keys, mergeDraft } from './queries';

const draft = (messageId: string, content: string): ChatDraft => ({ messageId, sessionId: 's1', role: 'assistant', content, createdAt: 't', updatedAt: 't' });
const stored = (messageId: string, seq: number): ChatMessage => ({ seq, messageId, sessionId: 's1', role: 'assistant', content: 'final', toolMetadata: null, createdAt: 't' });

describe('drafts in the query cache', () => {
  it('replaces a draft in place, drops it when its message arrives, and ignores a draft of a stored message', () => {
    const client = new QueryClient();
    client.setQueryData(keys.messages('p1', 's1'), [stored('m0', 1)]);
    mergeDraft(client, 'p1', draft('m1', 'Hel'));
    mergeDraft(client, 'p1', draft('m1', 'Hello'));
    expect(client.getQueryData<ChatDraft[]>(keys.drafts('p1', 's1'))?.map((d) => d.content)).toEqual(['Hello']);
    dropDrafts(client, 'p1', 's1', [stored('m1', 2)]);
    expect(client.getQueryData<ChatDraft[]>(keys.drafts('p1', 's1'))).toEqual([]);
    mergeDraft(client, 'p1', draft('m0', 'late'));
    expect(client.getQueryData<ChatDraft[]>(keys.drafts('p1', 's1'))).toEqual([]);
  });
});
