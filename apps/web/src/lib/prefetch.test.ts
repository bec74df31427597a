import { describe, expect, it } from 'vitest';
import { chatRoute } from './prefetch';

describe('chatRoute', () => {
  it('reads the project and session of a chat path', () => {
    expect(chatRoute('/projects/prj_1')).toEqual({ projectId: 'prj_1', sessionId: null });
    expect(chatRoute('/projects/prj_1/chat')).toEqual({ projectId: 'prj_1', sessionId: null });
    expect(chatRoute('/projects/prj_1/chat/ses_2')).toEqual({ projectId: 'prj_1', sessionId: 'ses_2' });
  });
  it('is null for other pages', () => {
    expect(chatRoute('/')).toBeNull();
    expect(chatRoute('/nodes')).toBeNull();
    expect(chatRoute('/projects/prj_1/board')).toBeNull();
    expect(chatRoute('/projects/prj_1/workspaces/ws_1')).toBeNull();
  });
});
