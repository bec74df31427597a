/**
 * The refusal of a project's repository check (issue 17, item 3) as the forms show it: the API's
 * 400 carries contracts `RepositoryCheckDetails` (the problem and the field it is about), so the
 * message goes under that field, in the API's own plain sentence. Any other error is not one.
 */
import { RepositoryCheckDetails } from '@flotilla/contracts';
import { ApiError } from '../../lib/api';

/** What a form shows under a field when the repository check refused. */
export interface RepositoryRefusal {
  field: RepositoryCheckDetails['field'];
  problem: RepositoryCheckDetails['problem'];
  message: string;
}

/** The repository check's refusal in `error`, or null when `error` is something else. */
export function repositoryRefusalOf(error: unknown): RepositoryRefusal | null {
  if (!(error instanceof ApiError) || error.status !== 400) return null;
  const details = RepositoryCheckDetails.safeParse(error.details);
  return details.success ? { field: details.data.field, problem: details.data.problem, message: error.message } : null;
}

/** The label of a submit button that checks the repository, while it is pending. */
export const CHECKING_REPOSITORY = 'Checking repository…';
