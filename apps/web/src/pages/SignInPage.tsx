/**
 * The sign-in page, shown when the API requires its token (FLOTILLA_API_TOKEN): one password
 * field, exchanged for the session cookie (`POST /api/session`). On success every query is
 * refetched, so the sign-in gate shows the app; a wrong token says so.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError, errorText, isUnauthorized } from '../lib/api';
import { keys } from '../lib/queries';

function signInError(error: unknown): string {
  return isUnauthorized(error) ? 'Wrong API token.' : `Could not sign in: ${errorText(error)}`;
}

export function SignInPage() {
  const queryClient = useQueryClient();
  const [token, setToken] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const signIn = useMutation({
    mutationFn: (value: string) => api.signIn(value),
    onSuccess: () => queryClient.invalidateQueries(),
    onError: (error) => {
      // The disabled button dropped the focus: back to the field, the token selected to retype.
      input.current?.focus();
      input.current?.select();
      // 404: the API needs no token after all (restarted without one); the gate shows the app.
      if (error instanceof ApiError && error.notFound) void queryClient.invalidateQueries({ queryKey: keys.apiSession });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate(token);
  };

  return (
    <main className="sign-in-page">
      <form className="card form sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
        <p className="brand">Flotilla</p>
        <h1 id="sign-in-title">Sign in</h1>
        <p className="muted small">
          This control plane requires its API token (<code>FLOTILLA_API_TOKEN</code>).
        </p>
        <label>
          API token
          <input ref={input} type="password" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="current-password" required autoFocus />
        </label>
        {signIn.isError && (
          <p role="alert" className="error">
            {signInError(signIn.error)}
          </p>
        )}
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
