// Contact details checked against the policy: required fields present, "off" fields not collected.
import type { Policy } from '@sightline/config';
import type { Contact } from '../protocol/index.ts';
import { ContactPolicyError } from './errors.ts';

const FIELDS = ['name', 'email', 'phone'] as const;

/** Returns the contact keeping only the fields the policy collects; throws ContactPolicyError. */
export function applyContactPolicy(contact: Contact, fields: Policy['contactFields']): Contact {
  const out: Contact = {};
  const issues: { path: string; message: string }[] = [];
  for (const field of FIELDS) {
    const mode = fields[field];
    const value = contact[field]?.trim();
    if (mode === 'off') continue; // never stored, even if a client sends it
    if (value) out[field] = value;
    else if (mode === 'required') issues.push({ path: `contact.${field}`, message: `${field} is required` });
  }
  if (issues.length > 0) throw new ContactPolicyError(issues);
  return out;
}
