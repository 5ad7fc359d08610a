// The sandbox's records read directly through its Salesforce REST API with jsforce, as a
// signed-in CRM user (OAuth password grant of the demo client).
import assert from 'node:assert/strict';
import jsforce from 'jsforce';
import { DEMO, type DemoUser } from '@sightline/crm-sandbox';
import { until } from './wait.ts';

export type Conn = InstanceType<typeof jsforce.Connection>;

export async function salesforceAs(loginUrl: string, user: DemoUser): Promise<Conn> {
  const conn = new jsforce.Connection({
    oauth2: { loginUrl, clientId: DEMO.oauthClient.clientId, clientSecret: DEMO.oauthClient.clientSecret },
    version: '62.0',
  });
  await conn.login(user.username, user.password);
  return conn;
}

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export interface TaskRow {
  Id: string;
  Subject: string;
  Description: string;
  WhatId: string | null;
  WhoId: string | null;
  Sightline_Session_Id__c: string;
}
export interface VersionRow {
  Id: string;
  Title: string;
  ContentDocumentId: string;
  FirstPublishLocationId: string;
  FileExtension: string;
  ContentSize: number;
}
export interface LeadRow {
  Id: string;
  Email: string;
  LastName: string;
  FirstName: string | null;
  Company: string;
  IsConverted: boolean;
}

export async function tasksOfSession(conn: Conn, sessionId: string): Promise<TaskRow[]> {
  const r = await conn.query<TaskRow>(
    `SELECT Id, Subject, Description, WhatId, WhoId, Sightline_Session_Id__c FROM Task WHERE Sightline_Session_Id__c = ${q(sessionId)}`,
  );
  return r.records;
}

/** Waits for the write-back: the session's Task on the Case. */
export async function caseTaskOf(conn: Conn, sessionId: string, caseId: string, ms = 30_000): Promise<TaskRow> {
  const tasks = await until(
    () => tasksOfSession(conn, sessionId),
    (ts) => ts.some((t) => t.WhatId === caseId),
    `the session's Task on Case ${caseId}`,
    ms,
  );
  return tasks.find((t) => t.WhatId === caseId)!;
}

// The files linked to a record, as a user who does not own them finds them: through the record's
// ContentDocumentLinks (a ContentVersion query without ids returns only the user's own files).
const linkedVersions = (recordId: string) =>
  `SELECT Id, Title, ContentDocumentId, FirstPublishLocationId, FileExtension, ContentSize FROM ContentVersion WHERE IsLatest = true AND ContentDocumentId IN (SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = ${q(recordId)})`;

export async function versionsOn(conn: Conn, recordId: string): Promise<VersionRow[]> {
  const r = await conn.query<VersionRow>(linkedVersions(recordId));
  return r.records;
}

export async function versionsOfSession(conn: Conn, sessionId: string, recordId: string): Promise<VersionRow[]> {
  const r = await conn.query<VersionRow>(`${linkedVersions(recordId)} AND Sightline_Session_Id__c = ${q(sessionId)}`);
  return r.records;
}

export async function documentLinked(conn: Conn, documentId: string, recordId: string): Promise<boolean> {
  const r = await conn.query<{ Id: string }>(
    `SELECT Id FROM ContentDocumentLink WHERE ContentDocumentId = ${q(documentId)} AND LinkedEntityId = ${q(recordId)}`,
  );
  return r.records.length === 1;
}

export async function leadsWithEmail(conn: Conn, email: string): Promise<LeadRow[]> {
  const r = await conn.query<LeadRow>(
    `SELECT Id, Email, LastName, FirstName, Company, IsConverted FROM Lead WHERE Email = ${q(email)}`,
  );
  return r.records;
}

export interface AttendeeRow {
  Id: string;
  Name: string;
  Email__c: string | null;
  Case__c: string | null;
  Contact__c: string | null;
  Lead__c: string | null;
  Session_Id__c: string;
}

/** The package's attendee records of a session (what the Case page's attendee list shows). */
export async function attendeeRowsOfSession(conn: Conn, sessionId: string): Promise<AttendeeRow[]> {
  const r = await conn.query<AttendeeRow>(
    `SELECT Id, Name, Email__c, Case__c, Contact__c, Lead__c, Session_Id__c FROM Sightline_Attendee__c WHERE Session_Id__c = ${q(sessionId)}`,
  );
  return r.records;
}

/** A file's bytes as the REST API serves them (VersionData needs the Bearer header). */
export async function versionBytes(conn: Conn, versionId: string): Promise<Buffer> {
  const url = `${conn.instanceUrl}/services/data/v${conn.version}/sobjects/ContentVersion/${versionId}/VersionData`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${conn.accessToken}` } });
  assert.equal(res.status, 200, `VersionData of ${versionId}`);
  return Buffer.from(await res.arrayBuffer());
}
