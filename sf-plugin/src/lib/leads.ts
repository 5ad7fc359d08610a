// Attendees the relay recorded with an email that is neither a Contact nor an open Lead, and with
// --create the Leads for them: the relay's own matching and Lead rules (SalesforceAdapter,
// leadFromContact), so the CLI, the Attendees component and the write-back agree on who is new.
import { SfError, type Connection } from '@salesforce/core';
import { SalesforceAdapter } from '@sightline/relay-service/crm/SalesforceAdapter';
import { leadFromContact } from '@sightline/relay-service/writeback/format';
import { z } from 'zod';
import type { UnknownLead } from './results.ts';
import { soqlDateTime } from './soql.ts';

const attendeeRow = z.object({
  Id: z.string(),
  Name: z.string(),
  Email__c: z.string(),
  Phone__c: z.string().nullable(),
  Case__c: z.string(),
  Session_Id__c: z.string().nullable(),
});

/** The relay's adapter on the CLI's own token: the same queries and Lead fields as the write-back. */
export function adapterFor(conn: Connection): SalesforceAdapter {
  return new SalesforceAdapter({
    loginUrl: conn.instanceUrl,
    clientId: 'PlatformCLI',
    apiVersion: conn.getApiVersion(),
    tokens: { instanceUrl: conn.instanceUrl, accessToken: conn.accessToken ?? null, refreshToken: '' },
    onAccessToken: () => undefined,
  });
}

export async function unknownAttendees(conn: Connection, since?: string): Promise<UnknownLead[]> {
  const where = ["Role__c = 'Guest'", 'Email__c != null', 'Contact__c = null', 'Lead__c = null'];
  if (since) where.push(`CreatedDate >= ${soqlDateTime(since)}`);
  const rows = z
    .array(attendeeRow)
    .parse(
      (
        await conn.autoFetchQuery(
          `SELECT Id, Name, Email__c, Phone__c, Case__c, Session_Id__c FROM Sightline_Attendee__c WHERE ${where.join(' AND ')} ORDER BY CreatedDate DESC`,
        )
      ).records,
    );
  // One person per email, case-insensitive; rows come newest first, so the first details win.
  const people = new Map<string, UnknownLead>();
  for (const r of rows) {
    const email = r.Email__c.trim().toLowerCase();
    const person = people.get(email) ?? {
      email,
      name: r.Name,
      phone: r.Phone__c,
      caseIds: [],
      sessionIds: [],
      attendeeIds: [],
      leadId: null,
    };
    if (!person.caseIds.includes(r.Case__c)) person.caseIds.push(r.Case__c);
    if (r.Session_Id__c && !person.sessionIds.includes(r.Session_Id__c)) person.sessionIds.push(r.Session_Id__c);
    person.attendeeIds.push(r.Id);
    people.set(email, person);
  }
  const adapter = adapterFor(conn);
  const unknown: UnknownLead[] = [];
  for (const person of people.values()) {
    // A Contact or open Lead may have appeared since the session: then the person is known.
    if (!(await adapter.findContactOrLead(person.email))) unknown.push(person);
  }
  return unknown;
}

/** Creates (or finds, when one appeared meanwhile) the open Lead and links the person's attendee rows to it. */
export async function createLeads(conn: Connection, people: UnknownLead[]): Promise<UnknownLead[]> {
  const adapter = adapterFor(conn);
  const out: UnknownLead[] = [];
  for (const person of people) {
    const leadId = await adapter.createLead(
      leadFromContact({ name: person.name, email: person.email, ...(person.phone ? { phone: person.phone } : {}) }),
    );
    const results = await conn
      .sobject('Sightline_Attendee__c')
      .update(person.attendeeIds.map((Id) => ({ Id, Lead__c: leadId })));
    const failed = results.filter((r) => !r.success);
    if (failed.length) {
      const reasons = [...new Set(failed.flatMap((r) => (r.success ? [] : r.errors.map((e) => e.message))))].join('; ');
      throw new SfError(
        `Lead ${leadId} created, but ${failed.length} attendee rows could not be linked to it: ${reasons}`,
        'LinkFailed',
        ['The Lead exists, so the person already counts as known by email; link the rows by hand if needed.'],
      );
    }
    out.push({ ...person, leadId });
  }
  return out;
}
