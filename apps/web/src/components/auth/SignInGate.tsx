/**
 * Shows the app only when this browser may use the API: it asks `GET /api/session` first and,
 * when the API requires its token and the browser is not signed in, shows the sign-in page
 * instead. A 401 from any later API call refetches that state (lib/query-client.ts), bringing
 * the sign-in page back. An API without a token shows the app as before; while the first answer
 * is on its way, only a quiet "Loading…".
 */
import type { ReactNode } from 'react';
import { errorText } from '../../lib/api';
import { useApiSession } from '../../lib/queries';
import { SignInPage } from '../../pages/SignInPage';

export function SignInGate({ children }: { children: ReactNode }) {
  const session = useApiSession();
  if (session.data) return session.data.required && !session.data.authenticated ? <SignInPage /> : children;
  if (session.isError) {
    return (
      <main className="page narrow">
        <p role="alert" className="error">Could not reach the control plane: {errorText(session.error)}</p>
        <button type="button" onClick={() => void session.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  return (
    <p className="muted page" aria-busy="true">
      Loading…
    </p>
  );
}
