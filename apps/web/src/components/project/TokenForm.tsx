/**
 * One stored secret of the user (a cloud token, a repository token): the masked value when one
 * is stored, with Remove, and a password field to store a new one. The secret is never shown
 * again; what the API answers to a refused one is shown as it is.
 */
import type { CredentialInfo } from '@flotilla/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, errorText } from '../../lib/api';
import { keys } from '../../lib/queries';
import { ConfirmButton } from '../ui/ConfirmButton';

export interface TokenFormProps {
  title: string;
  /** What the token is for, shown under the title. */
  children: ReactNode;
  /** Which stored credential this form shows. */
  kind: CredentialInfo['kind'];
  name: string;
  /** Label of the input, e.g. "Token". */
  inputLabel: string;
  save(token: string): Promise<unknown>;
  remove(): Promise<unknown>;
}

export function TokenForm({ title, children, kind, name, inputLabel, save, remove }: TokenFormProps) {
  const titleId = useId();
  const queryClient = useQueryClient();
  const credentials = useQuery({ queryKey: keys.credentials, queryFn: api.listCredentials, retry: false });
  const [token, setToken] = useState('');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.credentials });
  const store = useMutation({
    mutationFn: () => save(token),
    onSuccess: () => {
      setToken('');
      refresh();
    },
  });
  const forget = useMutation({ mutationFn: remove, onSuccess: refresh });
  const stored = credentials.data?.find((c) => c.kind === kind && c.name === name);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    store.mutate();
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <p className="muted small">{children}</p>
      {stored ? (
        <p>
          Stored: <code>{stored.masked}</code>{' '}
          <ConfirmButton className="small" onConfirm={() => forget.mutate()} disabled={forget.isPending} aria-label={`Remove the ${title}`} question="Remove this token?" confirmLabel="Yes, remove">
            Remove
          </ConfirmButton>
        </p>
      ) : (
        credentials.isSuccess && <p className="muted small">Nothing stored yet.</p>
      )}
      <label>
        {inputLabel}
        <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} minLength={8} required />
      </label>
      {(store.isError || forget.isError) && <p role="alert" className="error small">{errorText(store.error ?? forget.error)}</p>}
      <button type="submit" disabled={store.isPending}>
        {store.isPending ? 'Storing…' : 'Store token'}
      </button>
    </form>
  );
}
