/**
 * The sign-in page, shown when the API needs a signed-in user or its token: "Sign in with GitHub"
 * / "Sign in with <AUTH_OIDC_NAME>" for each configured provider (`GET /api/auth/providers`), and
 * the API token form when the API has a token (FLOTILLA_API_TOKEN; exchanged for the token's
 * session cookie, `POST /api/session`). A refused sign-in says why ("Not allowed"); a signed-in
 * user still waiting for approval sees the waiting page instead.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { NotAllowed, refusalInAddress } from '../components/auth/NotAllowed';
import { ProviderButtons } from '../components/auth/ProviderButtons';
import { WaitingForApproval } from '../components/auth/WaitingForApproval';
import { api, ApiError, errorText, isUnauthorized } from '../lib/api';
import { keys } from '../lib/queries';
import { useAuthProviders, useMe } from '../lib/user-queries';

function signInError(error: unknown): string {
  return isUnauthorized(error) ? 'Wrong API token.' : `Could not sign in: ${errorText(error)}`;
}

export function SignInPage() {
  const me = useMe();
  const providers = useAuthProviders();
  if (me.data) return <WaitingForApproval user={me.data} />;
  const refusal = refusalInAddress();
  const offered = providers.data?.providers ?? [];
  // The token form when the API has a token — or when the providers could not be asked.
  const tokenForm = providers.data ? providers.data.apiToken : providers.isError;
  return (
    <main className="sign-in-page">
      <div className="card form sign-in">
        <p className="brand">Flotilla</p>
        <h1 id="sign-in-title">Sign in</h1>
        {refusal && <NotAllowed refusal={refusal} />}
        <ProviderButtons providers={offered} />
        {offered.length > 0 && tokenForm && <p className="muted small sign-in-or">or with the API token</p>}
        {tokenForm && <TokenForm />}
        {providers.isPending && (
          <p className="muted small" aria-busy="true">
            Loading…
          </p>
        )}
      </div>
    </main>
  );
}

/** The API token form (FLOTILLA_API_TOKEN). */
function TokenForm() {
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
    <form className="form" onSubmit={submit} aria-labelledby="sign-in-title">
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
  );
}
