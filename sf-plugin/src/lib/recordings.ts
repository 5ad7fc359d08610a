// Recordings on a Case: the relay uploads each as a ContentVersion published to the Case. Files are
// found through the Case's ContentDocumentLinks (filtered on LinkedEntityId, as Salesforce requires;
// a bare ContentVersion query misses files shared through the record), then their latest versions.
import type { Connection } from '@salesforce/core';
import { z } from 'zod';
import type { RecordingRow } from './results.ts';
import { chunks, quote, quoteList } from './soql.ts';

const linkRow = z.object({ ContentDocumentId: z.string() });
const versionRow = z.object({
  Id: z.string(),
  ContentDocumentId: z.string(),
  Title: z.string(),
  PathOnClient: z.string().nullable(),
  FileExtension: z.string().nullable(),
  ContentSize: z.number(),
  Sightline_Session_Id__c: z.string(),
  Sightline_Duration_Seconds__c: z.number().nullable(),
  CreatedDate: z.string(),
  CreatedBy: z.object({ Name: z.string() }).nullable().optional(),
});

export async function listRecordings(conn: Connection, caseId: string): Promise<RecordingRow[]> {
  const links = z
    .array(linkRow)
    .parse(
      (
        await conn.autoFetchQuery(
          `SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = ${quote(caseId)}`,
        )
      ).records,
    );
  const docs = [...new Set(links.map((l) => l.ContentDocumentId))];
  const out: RecordingRow[] = [];
  for (const part of chunks(docs)) {
    const versions = z
      .array(versionRow)
      .parse(
        (
          await conn.autoFetchQuery(
            'SELECT Id, ContentDocumentId, Title, PathOnClient, FileExtension, ContentSize, Sightline_Session_Id__c, ' +
              'Sightline_Duration_Seconds__c, CreatedDate, CreatedBy.Name FROM ContentVersion ' +
              `WHERE ContentDocumentId IN (${quoteList(part)}) AND IsLatest = true AND Sightline_Session_Id__c != null ORDER BY CreatedDate DESC`,
          )
        ).records,
      );
    for (const v of versions)
      out.push({
        contentVersionId: v.Id,
        contentDocumentId: v.ContentDocumentId,
        sessionId: v.Sightline_Session_Id__c,
        title: v.Title,
        fileName: safeFileName(v.PathOnClient ?? `${v.Title}${v.FileExtension ? `.${v.FileExtension}` : ''}`, v.Id),
        size: v.ContentSize,
        durationSeconds: v.Sightline_Duration_Seconds__c,
        createdAt: v.CreatedDate,
        createdBy: v.CreatedBy?.Name ?? null,
      });
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** A file name that stays inside the output folder whatever the org holds (no separators, no dot-dot). */
export function safeFileName(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[^\w.\- ]/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 200);
  return clean || fallback;
}
