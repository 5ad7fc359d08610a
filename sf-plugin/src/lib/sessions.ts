// Sessions as the relay wrote them: one Task per session on the Case (Sightline_Session_Id__c), plus
// the Sightline_Attendee__c rows of the same session id.
import type { Connection } from '@salesforce/core';
import { z } from 'zod';
import type { SessionRow } from './results.ts';
import { chunks, quote, quoteList, soqlDateTime } from './soql.ts';

export interface SessionFilter {
  caseId?: string;
  since?: string;
  /** Username, or a User Id (005...). */
  agent?: string;
  limit?: number;
}

const taskRow = z.object({
  Sightline_Session_Id__c: z.string(),
  Subject: z.string().nullable(),
  WhatId: z.string().nullable(),
  What: z.object({ Name: z.string().nullable().optional() }).nullable().optional(),
  CreatedBy: z.object({ Username: z.string() }).nullable().optional(),
  CreatedDate: z.string(),
  CallDurationInSeconds: z.number().nullable().optional(),
});
const attendeeRow = z.object({
  Session_Id__c: z.string(),
  Name: z.string(),
  Email__c: z.string().nullable(),
  Role__c: z.string().nullable(),
  Joined_At__c: z.string().nullable(),
  Left_At__c: z.string().nullable(),
});

export function sessionsSoql(filter: SessionFilter): string {
  const where = ['Sightline_Session_Id__c != null'];
  if (filter.caseId) where.push(`WhatId = ${quote(filter.caseId)}`);
  if (filter.since) where.push(`CreatedDate >= ${soqlDateTime(filter.since)}`);
  if (filter.agent)
    where.push(
      /^005[\w]{12}([\w]{3})?$/.test(filter.agent)
        ? `CreatedById = ${quote(filter.agent)}`
        : `CreatedBy.Username = ${quote(filter.agent)}`,
    );
  return (
    'SELECT Sightline_Session_Id__c, Subject, WhatId, What.Name, CreatedBy.Username, CreatedDate, CallDurationInSeconds ' +
    `FROM Task WHERE ${where.join(' AND ')} ORDER BY CreatedDate DESC LIMIT ${filter.limit ?? 200}`
  );
}

export async function listSessions(conn: Connection, filter: SessionFilter): Promise<SessionRow[]> {
  const tasks = z.array(taskRow).parse((await conn.autoFetchQuery(sessionsSoql(filter))).records);
  // A session with a Lead has a second Task on the Lead (no WhatId): the Case Task stands for it.
  const bySession = new Map<string, z.infer<typeof taskRow>>();
  for (const t of tasks) {
    const seen = bySession.get(t.Sightline_Session_Id__c);
    if (!seen || (!seen.WhatId && t.WhatId)) bySession.set(t.Sightline_Session_Id__c, t);
  }
  const ids = [...bySession.keys()];
  const attendees = new Map<string, SessionRow['attendees']>();
  for (const part of chunks(ids)) {
    const rows = z
      .array(attendeeRow)
      .parse(
        (
          await conn.autoFetchQuery(
            'SELECT Session_Id__c, Name, Email__c, Role__c, Joined_At__c, Left_At__c FROM Sightline_Attendee__c ' +
              `WHERE Session_Id__c IN (${quoteList(part)}) ORDER BY Joined_At__c`,
          )
        ).records,
      );
    for (const r of rows) {
      const list = attendees.get(r.Session_Id__c) ?? [];
      list.push({ name: r.Name, email: r.Email__c, role: r.Role__c, joinedAt: r.Joined_At__c, leftAt: r.Left_At__c });
      attendees.set(r.Session_Id__c, list);
    }
  }
  return ids.map((id) => {
    const t = bySession.get(id)!;
    return {
      sessionId: id,
      caseId: t.WhatId,
      caseNumber: t.What?.Name ?? null,
      subject: t.Subject,
      agent: t.CreatedBy?.Username ?? null,
      startedAt: t.CreatedDate,
      durationSeconds: t.CallDurationInSeconds ?? null,
      attendees: attendees.get(id) ?? [],
    };
  });
}
