// The customer's invitation: who invites them (name, company), what the session is about, how to
// join, what they will be asked on the join page (details, consent to share, recording) and when the
// link stops working. Plain text: both CRMs send it as is.
import type { Policy } from '@sightline/config';

export interface InvitationInput {
  agentName: string;
  companyName: string;
  recordLabel: string;
  link: string;
  /** The join page for typing a key, with the key; absent when the policy has no keys. */
  keyEntry: { url: string; key: string } | null;
  policy: Pick<Policy, 'contactFields' | 'recording'>;
  /** When a session no one has joined expires (ISO). */
  expiresAt: string;
  now: Date;
  contactName?: string | null;
}

const FIELD_NAMES = { name: 'your name', email: 'your email address', phone: 'your phone number' } as const;

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** What the join page will ask for, in the order it asks. */
function askedFor(policy: InvitationInput['policy']): string[] {
  const fields = (['name', 'email', 'phone'] as const).filter((f) => policy.contactFields[f] !== 'off');
  const required = fields.filter((f) => policy.contactFields[f] === 'required').map((f) => FIELD_NAMES[f]);
  const optional = fields.filter((f) => policy.contactFields[f] === 'optional').map((f) => FIELD_NAMES[f]);
  const lines: string[] = [];
  if (required.length || optional.length) {
    const text = !optional.length
      ? list(required)
      : !required.length
        ? `${list(optional)} (optional)`
        : `${list(required)}, and optionally ${list(optional)}`;
    lines.push(`- for ${text};`);
  }
  lines.push(
    '- whether you agree to share your screen: nothing is shown before you agree, you choose a screen, window or tab, and you can stop at any moment;',
  );
  if (policy.recording === 'always')
    lines.push('- whether you agree to the session being recorded (it is recorded only if you agree).');
  else if (policy.recording === 'host')
    lines.push('- if the agent wants to record the session, whether you agree (it is recorded only if you agree).');
  else lines.push('This session is not recorded.');
  return lines;
}

function when(expiresAt: string, now: Date): string {
  const at = new Date(expiresAt);
  const minutes = Math.max(1, Math.round((at.getTime() - now.getTime()) / 60_000));
  const clock = at.toISOString().slice(11, 16);
  const day = at.toISOString().slice(0, 10);
  return `${clock} UTC on ${day} (in about ${minutes} minute${minutes === 1 ? '' : 's'})`;
}

export function invitationEmail(input: InvitationInput): { subject: string; body: string } {
  const who = `${input.agentName} (${input.companyName})`;
  return {
    subject: `Screen share with ${who}: ${input.recordLabel}`,
    body: [
      input.contactName ? `Hello ${input.contactName},` : 'Hello,',
      '',
      `${who} invites you to a screen share session about ${input.recordLabel}.`,
      '',
      `Join here: ${input.link}`,
      ...(input.keyEntry ? [`Or open ${input.keyEntry.url} and enter the session key ${input.keyEntry.key}.`] : []),
      '',
      'When you join you will be asked:',
      ...askedFor(input.policy),
      '',
      `The link expires at ${when(input.expiresAt, input.now)} if the session has not started by then, and it stops working when the session ends. It works for this session only.`,
      'Nothing needs to be installed.',
    ].join('\n'),
  };
}
