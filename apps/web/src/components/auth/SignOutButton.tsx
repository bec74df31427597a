/**
 * "Sign out" in the header, shown only when the API requires its token: clears the session
 * cookie (`DELETE /api/session`), then marks this browser signed out so the sign-in gate shows
 * the sign-in page.
 */
import type { ApiSessionInfo } from '@flotilla/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, errorText } from '../../lib/api';
import { keys, useApiSession } from '../../lib/queries';

export function SignOutButton() {
  const session = useApiSession();
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: api.signOut,
    onSuccess: () => queryClient.setQueryData<ApiSessionInfo>(keys.apiSession, { required: true, authenticated: false }),
  });
  if (!session.data?.required) return null;
  return (
    <div className="sign-out">
      {signOut.isError && (
        <span role="alert" className="error small">
          Could not sign out: {errorText(signOut.error)}
        </span>
      )}
      <button type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        Sign out
      </button>
    </div>
  );
}
