/**
 * "Sign out" and "Sign out everywhere" of a signed-in user: the session is revoked on the server
 * (`POST /api/auth/sign-out`, or every session of the user with `/sign-out-everywhere`), then this
 * browser is marked signed out so the sign-in gate shows the sign-in page.
 */
import type { ApiSessionInfo } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, errorText } from '../../lib/api';
import { keys } from '../../lib/queries';
import { userKeys } from '../../lib/user-queries';

export function UserSignOut() {
  const queryClient = useQueryClient();
  const signedOut = () => {
    queryClient.setQueryData(userKeys.me, null);
    queryClient.setQueryData<ApiSessionInfo>(keys.apiSession, { required: true, authenticated: false });
  };
  const signOut = useMutation({ mutationFn: api.signOutUser, onSuccess: signedOut });
  const everywhere = useMutation({ mutationFn: api.signOutEverywhere, onSuccess: signedOut });
  const error = signOut.error ?? everywhere.error;
  const busy = signOut.isPending || everywhere.isPending;
  return (
    <>
      {error && (
        <span role="alert" className="error small">
          Could not sign out: {errorText(error)}
        </span>
      )}
      <button type="button" onClick={() => signOut.mutate()} disabled={busy}>
        Sign out
      </button>
      <button type="button" onClick={() => everywhere.mutate()} disabled={busy} title="End your sign-in on every browser and device">
        Sign out everywhere
      </button>
    </>
  );
}
