/**
 * "Transfer ownership" in the Members section, for the owner only: pick another member, confirm,
 * and they become the owner (the caller an admin). Without another member, it says how to get one.
 */
import type { ProjectMember } from '@flotilla/contracts';
import { useId, useState } from 'react';
import { errorText } from '../../lib/api';
import { useTransferOwnership } from '../../lib/member-queries';
import { ConfirmButton } from '../ui/ConfirmButton';

export function TransferOwnership({ projectId, members }: { projectId: string; members: ProjectMember[] }) {
  const id = useId();
  const others = members.filter((m) => m.role !== 'owner');
  const [userId, setUserId] = useState('');
  const transfer = useTransferOwnership(projectId);
  const chosen = others.find((m) => m.userId === userId) ?? others[0];
  return (
    <div className="transfer-ownership" aria-labelledby={`${id}-title`} role="group">
      <h3 id={`${id}-title`}>Transfer ownership</h3>
      {others.length === 0 ? (
        <p className="muted small">Add a member first: the project can be handed over to one of its members.</p>
      ) : (
        <>
          <p className="muted small">The new owner can do everything you can; you stay on as an admin.</p>
          <div className="transfer-fields">
            <label>
              <span id={`${id}-owner`}>New owner</span>
              <select aria-labelledby={`${id}-owner`} value={chosen?.userId ?? ''} onChange={(e) => setUserId(e.target.value)}>
                {others.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.login}
                    {m.name ? ` (${m.name})` : ''}
                  </option>
                ))}
              </select>
            </label>
            <ConfirmButton
              className="secondary"
              disabled={transfer.isPending || !chosen}
              question={`Make ${chosen?.login ?? ''} the owner?`}
              confirmLabel="Yes, transfer"
              onConfirm={() => chosen && transfer.mutate(chosen.userId)}
            >
              {transfer.isPending ? 'Transferring…' : 'Transfer ownership'}
            </ConfirmButton>
          </div>
        </>
      )}
      {transfer.isError && (
        <p role="alert" className="error small">
          {errorText(transfer.error)}
        </p>
      )}
    </div>
  );
}
