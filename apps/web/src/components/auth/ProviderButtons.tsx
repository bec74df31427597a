/**
 * "Sign in with GitHub" / "Sign in with <AUTH_OIDC_NAME>": links to the control plane's sign-in
 * start (`/api/auth/:provider/start`), which redirects to the provider; it comes back to the page
 * this browser was on (`returnTo`, without any earlier refusal in it).
 */
import type { AuthProviders } from '@flotilla/contracts';

/** This page's path and query, without `signInRefused`. */
function currentPath(): string {
  const url = new URL(window.location.href);
  url.searchParams.delete('signInRefused');
  return `${url.pathname}${url.search}`;
}

export function ProviderButtons({ providers }: { providers: AuthProviders['providers'] }) {
  if (providers.length === 0) return null;
  const returnTo = encodeURIComponent(currentPath());
  return (
    <ul className="sign-in-providers" aria-label="Sign-in methods">
      {providers.map((provider) => (
        <li key={provider.id}>
          <a className="button primary" href={`/api/auth/${provider.id}/start?returnTo=${returnTo}`}>
            Sign in with {provider.name}
          </a>
        </li>
      ))}
    </ul>
  );
}
