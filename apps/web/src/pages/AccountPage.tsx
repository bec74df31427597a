/**
 * The Account page (`/account`, issue 14 item 4): the user's personal API tokens for the CLI and
 * scripts — made, listed and revoked here (components/account/).
 */
import { ApiTokensCard } from '../components/account/ApiTokensCard';
import { useDocumentTitle } from '../lib/document-title';

export function AccountPage() {
  useDocumentTitle('Account');
  return (
    <main className="page narrow">
      <h1>Account</h1>
      <ApiTokensCard />
    </main>
  );
}
