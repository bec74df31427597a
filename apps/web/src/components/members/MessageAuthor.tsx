/**
 * Who wrote a user message in the chat (`ChatMessage.author`, issue 14 item 2): a small avatar and
 * the login, in place of "You". Messages without an author (local mode, the shared token, a
 * trigger) keep "You".
 */
import type { UserRef } from '@flotilla/contracts';
import { UserAvatar } from './UserAvatar';

export function MessageAuthor({ author }: { author: UserRef }) {
  return (
    <span className="role message-author" title={author.name ?? undefined} data-testid="message-author">
      <UserAvatar user={author} size={18} />
      {author.login}
    </span>
  );
}
