/**
 * What a signed-in user sees while an admin has not approved them yet (AUTH_REQUIRE_APPROVAL):
 * who they are signed in as, that they wait, and a way to sign out. The page asks again every
 * few seconds (lib/user-queries.ts) and shows the app once they are let in.
 */
import type { User } from '@flotilla/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { keys } from '../../lib/queries';
import { UserSignOut } from './UserSignOut';

export function WaitingForApproval({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const approved = user.status === 'active';
  useEffect(() => {
    if (approved) void queryClient.invalidateQueries({ queryKey: keys.apiSession });
  }, [approved, queryClient]);
  return (
    <main className="sign-in-page">
      <section className="card form sign-in" aria-labelledby="waiting-title">
        <p className="brand">Flotilla</p>
        <h1 id="waiting-title">Waiting for approval</h1>
        <p>
          You are signed in as <strong>{user.login}</strong>
          {user.email && user.email !== user.login ? ` (${user.email})` : ''}. An administrator of this Flotilla has to let you in before you can use it.
        </p>
        <p className="muted small">This page checks by itself and opens Flotilla as soon as you are approved.</p>
        <div className="row">
          <UserSignOut />
        </div>
      </section>
    </main>
  );
}
