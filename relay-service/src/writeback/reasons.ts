// What a failed attempt means for the write (retry, wait for a sign-in, give up) and why, in words
// an agent or an admin can act on. Email addresses are taken out: the reason is stored and shown.
import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import { CrmError, type CrmErrorKind } from '../crm/CrmError.ts';
import type { StepKind } from './steps/index.ts';

export type FailureKind = CrmErrorKind | 'timeout' | 'circuit_open' | 'internal';

export interface Failure {
  kind: FailureKind;
  /** Plain words, e.g. "the recording could not be attached: the file is larger than the CRM allows". */
  reason: string;
  /** A retry may succeed (every answer the relay cannot read as success is temporary). */
  temporary: boolean;
}

const WHAT: Record<StepKind, string> = {
  activity: 'the session log (a Task on the Case) could not be written',
  lead: 'the Lead for a new attendee could not be created',
  attendees: 'the attendee list could not be written',
  recording: 'the recording could not be attached',
  work_note: 'the session log (a work note on the incident) could not be written',
  attachment: 'the recording could not be attached',
};

const WHY: Record<FailureKind, string> = {
  not_found: 'the record no longer exists, or the agent can no longer see it',
  forbidden: 'the agent has no access to it in the CRM',
  revoked: "the agent's CRM access was revoked; it is sent when they sign in to Sightline again",
  invalid: 'the CRM refused the data',
  transient: 'the CRM gave no usable answer; it is retried',
  timeout: 'the CRM did not answer in time; it is retried',
  circuit_open: 'the CRM has been failing; calls to it are paused for a moment',
  internal: 'the relay hit an unexpected error; it is retried',
};

const TOO_LARGE = /MAXIMUM_SIZE|STORAGE_LIMIT|HTTP_413|too large|exceeds/i;
const EMAIL = /[^\s@:;,'"()<>[\]]+@[^\s@:;,'"()<>[\]]+/g;

export const withoutEmails = (text: string) => text.replace(EMAIL, '<email>');

export function failureOf(err: unknown, what: StepKind): Failure {
  let kind: FailureKind;
  let detail: string;
  if (err instanceof CrmError) {
    kind = err.kind;
    detail = err.message;
  } else if (err instanceof TaskCancelledError) {
    kind = 'timeout';
    detail = 'step timeout';
  } else if (err instanceof BrokenCircuitError) {
    kind = 'circuit_open';
    detail = 'circuit open';
  } else {
    kind = 'internal';
    detail = err instanceof Error ? err.message : String(err);
  }
  const why = kind === 'invalid' && TOO_LARGE.test(detail) ? 'the file is larger than the CRM allows' : WHY[kind];
  const temporary = kind === 'transient' || kind === 'timeout' || kind === 'circuit_open' || kind === 'internal';
  return { kind, temporary, reason: withoutEmails(`${WHAT[what]}: ${why} (${detail.slice(0, 300)})`) };
}
