/**
 * Why a sign-in was refused, in plain words: the sign-in callback sends the browser to
 * `/?signInRefused=<code>` (contracts SignInRefusal).
 */
import { SignInRefusal } from '@flotilla/contracts';

const REASONS: Record<SignInRefusal, string> = {
  email_domain: "Your email address is not in a domain this Flotilla lets in. Ask its administrator to add your domain, or sign in with another account.",
  email_unverified: 'Your email address is not verified with your sign-in provider. Verify it there, then try again.',
  github_org: 'You are not a member of a GitHub organization this Flotilla lets in. Ask to join one, or ask its administrator to add yours.',
  failed: 'The sign-in did not finish (it took too long, was started in another browser, or the provider said no). Please try again.',
};

/** The refusal named in this page's address, or null. */
export function refusalInAddress(): SignInRefusal | null {
  const parsed = SignInRefusal.safeParse(new URLSearchParams(window.location.search).get('signInRefused'));
  return parsed.success ? parsed.data : null;
}

export function NotAllowed({ refusal }: { refusal: SignInRefusal }) {
  return (
    <div role="alert" className="sign-in-refused">
      <h2>{refusal === 'failed' ? 'Sign-in failed' : 'Not allowed'}</h2>
      <p>{REASONS[refusal]}</p>
    </div>
  );
}
