// Salesforce as one agent, through jsforce: the agent's access token, renewed on a 401
// (INVALID_SESSION_ID) by the agent's token refresher, which stores what the CRM returns.
import { Connection, OAuth2 } from 'jsforce';
import { ZodError, type z } from 'zod';
import type { AgentTokens } from '../auth/identity.ts';
import type {
  Activity,
  AttendeeRow,
  CrmAdapter,
  CrmRecord,
  Email,
  NewLead,
  PersonMatch,
  Recording,
} from './CrmAdapter.ts';
import { CrmError, kindForCode } from './CrmError.ts';
import { multipartBlob, uploadTimeoutMs } from './multipart.ts';
import { streamUpload } from './streamUpload.ts';
import { normalizeSalesforceId } from './salesforceId.ts';
import {
  sfCaseSchema,
  sfContactSchema,
  sfCountSchema,
  sfEmailSimpleSchema,
  sfErrorListSchema,
  sfIdQuerySchema,
  sfIdRecordsSchema,
  sfSaveResultSchema,
  sfUpsertResultSchema,
} from './salesforceSchemas.ts';

/** Custom field (force-app: Activity and ContentVersion) holding the session id: the write-back's idempotency marker. */
export const MARKER_FIELD = 'Sightline_Session_Id__c';
/** force-app's ContentVersion field the Recordings component shows. */
export const DURATION_FIELD = 'Sightline_Duration_Seconds__c';
/** force-app's attendee object and its external id (`<sessionId>:<participantId>`). */
export const ATTENDEE_OBJECT = 'Sightline_Attendee__c';
export const ATTENDEE_KEY_FIELD = 'Attendee_Key__c';
const DESCRIPTION_MAX = 32000;
/** force-app's custom permission that lets a user host sessions (granted by the Sightline Agent set). */
export const HOST_PERMISSION = 'Sightline_Start_Sessions';
/** force-app's custom permission that lets a manager supervise their team's sessions (Sightline Supervisor set). */
export const SUPERVISE_PERMISSION = 'Sightline_Supervise_Sessions';
/** A manager's team is capped: it is one SOQL page, and a supervisor with more reports is an org to fix. */
const TEAM_MAX = 2000;

export interface SalesforceOptions {
  loginUrl: string;
  clientId: string;
  /** Absent for a public client (PKCE): jsforce then sends no client_secret. */
  clientSecret?: string;
  apiVersion: string;
  tokens: AgentTokens;
  /** A fresh access token after `stale` was rejected (auth/CrmTokenRefresher: single-flight, rotation-safe). */
  refresh: (stale: string | null) => Promise<string>;
  /** Each HTTP call's limit (jsforce's own default is 30 minutes). */
  callTimeoutMs?: number;
  /** emailSimple senderType (and the org-wide address); CurrentUser when absent. */
  emailSender?: EmailSender;
}

export type EmailSender =
  { type: 'CurrentUser' } | { type: 'DefaultWorkflowUser' } | { type: 'OrgWideEmailAddress'; address: string };

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}

/**
 * Every call jsforce makes (API and token refresh) gets the timeout and no retries of its own:
 * its internal backoff made one failed call take 15.5 s; the outbox retries, with a schedule of its own.
 */
export function bound(transport: Connection['_transport'], timeout: number): void {
  const send = transport.httpRequest.bind(transport);
  transport.httpRequest = (req, options = {}) =>
    send(req, { ...options, timeout, retry: { ...options.retry, maxRetries: 0, methods: [] } });
}

export class SalesforceAdapter implements CrmAdapter {
  readonly crm = 'salesforce' as const;
  readonly endpoint: string;
  readonly #conn: Connection;
  readonly #apiVersion: string;
  readonly #emailSender: EmailSender;
  readonly #callTimeoutMs: number;
  readonly #refreshToken: (stale: string | null) => Promise<string>;
  #refreshError: unknown = null;

  constructor(options: SalesforceOptions) {
    this.#apiVersion = options.apiVersion;
    this.#emailSender = options.emailSender ?? { type: 'CurrentUser' };
    this.#callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.#refreshToken = options.refresh;
    this.endpoint = options.tokens.instanceUrl;
    const oauth2 = new OAuth2({
      loginUrl: options.loginUrl,
      clientId: options.clientId,
      ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
    });
    const refreshToken = options.tokens.refreshToken;
    this.#conn = new Connection({
      oauth2,
      version: options.apiVersion,
      instanceUrl: options.tokens.instanceUrl,
      ...(options.tokens.accessToken ? { accessToken: options.tokens.accessToken } : {}),
      refreshToken,
      // The agent's refresher renews the token (never this connection's own copy of the refresh
      // token, which rotation may have spent); it keeps the reason, which jsforce would rewrap.
      refreshFn: (conn, callback) => {
        options.refresh(conn.accessToken ?? null).then(
          (accessToken) => {
            this.#refreshError = null;
            callback(null, accessToken);
          },
          (err: Error) => {
            this.#refreshError = err;
            callback(err);
          },
        );
      },
    });
    const timeout = options.callTimeoutMs ?? 30_000;
    bound(this.#conn._transport, timeout);
    bound(oauth2._transport, timeout);
  }

  async readRecord(id: string): Promise<CrmRecord> {
    const caseId = this.#id(id);
    const kase = await this.#call(sfCaseSchema, () =>
      this.#conn.sobject('Case').retrieve(caseId, { fields: ['Id', 'CaseNumber', 'Subject', 'ContactId'] }),
    );
    let contact: CrmRecord['contact'] = null;
    if (kase.ContactId) {
      const c = await this.#call(sfContactSchema, () =>
        this.#conn.sobject('Contact').retrieve(kase.ContactId!, { fields: ['Id', 'Name', 'Email'] }),
      ).catch((err: unknown) => {
        // A case whose contact the agent cannot see is still the agent's case.
        if (err instanceof CrmError && err.permanent && err.kind !== 'revoked') return null;
        throw err;
      });
      if (c) contact = { id: c.Id, name: c.Name ?? '', email: c.Email ?? null };
    }
    const label = [kase.CaseNumber ? `Case ${kase.CaseNumber}` : `Case ${kase.Id}`, kase.Subject]
      .filter(Boolean)
      .join(': ');
    return { id: this.#id(kase.Id), label, contact };
  }

  mayHost(userId: string): Promise<boolean> {
    return this.#holds(HOST_PERMISSION, userId);
  }

  maySupervise(userId: string): Promise<boolean> {
    return this.#holds(SUPERVISE_PERMISSION, userId);
  }

  async teamOf(userId: string): Promise<Set<string>> {
    // The simplest rule the org already keeps: the users whose Manager field names the supervisor.
    const soql = `SELECT Id FROM User WHERE ManagerId = '${this.#id(userId)}' AND IsActive = true LIMIT ${TEAM_MAX}`;
    const { records } = await this.#call(sfIdQuerySchema, () => this.#conn.query(soql));
    return new Set(records.map((r) => this.#id(r.Id)));
  }

  async #holds(permission: string, userId: string): Promise<boolean> {
    // A custom permission reaches a user through a permission set (or a profile's own permission set):
    // SetupEntityAccess links the permission to the set, PermissionSetAssignment the set to the user.
    const soql = [
      'SELECT COUNT() FROM SetupEntityAccess',
      "WHERE SetupEntityType = 'CustomPermission'",
      `AND SetupEntityId IN (SELECT Id FROM CustomPermission WHERE DeveloperName = '${permission}')`,
      `AND ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '${this.#id(userId)}')`,
    ].join(' ');
    const { totalSize } = await this.#call(sfCountSchema, () => this.#conn.query(soql));
    return totalSize > 0;
  }

  async findContactOrLead(email: string): Promise<PersonMatch | null> {
    const contacts = await this.#call(sfIdRecordsSchema, () =>
      this.#conn.sobject('Contact').find({ Email: email }, ['Id']).limit(1).execute(),
    );
    if (contacts[0]) return { kind: 'contact', id: contacts[0].Id };
    const lead = await this.#openLead(email);
    return lead ? { kind: 'lead', id: lead } : null;
  }

  async createLead(lead: NewLead): Promise<string> {
    const existing = await this.#openLead(lead.email);
    if (existing) return existing;
    const saved = await this.#call(sfSaveResultSchema, () =>
      this.#conn.sobject('Lead').create({
        LastName: lead.lastName,
        ...(lead.firstName ? { FirstName: lead.firstName } : {}),
        Email: lead.email,
        ...(lead.phone ? { Phone: lead.phone } : {}),
        Company: lead.company,
        ...(lead.ownerId ? { OwnerId: this.#id(lead.ownerId) } : {}),
        LeadSource: 'Screen Share',
      }),
    );
    return saved.id;
  }

  async writeActivity(activity: Activity): Promise<string> {
    // One Task per session on the Case and one per Lead: the marker plus the parent identifies it.
    const parent = activity.recordId
      ? { WhatId: this.#id(activity.recordId) }
      : { WhoId: this.#id(activity.whoId ?? '') };
    const found = await this.#call(sfIdRecordsSchema, () =>
      this.#conn
        .sobject('Task')
        .find({ [MARKER_FIELD]: activity.marker, ...parent }, ['Id'])
        .limit(1)
        .execute(),
    );
    if (found[0]) return found[0].Id;
    const saved = await this.#call(sfSaveResultSchema, () =>
      this.#conn.sobject('Task').create({
        Subject: activity.subject.slice(0, 255),
        Status: 'Completed',
        Priority: 'Normal',
        ActivityDate: activity.date.toISOString().slice(0, 10),
        ...(activity.call === false
          ? { TaskSubtype: 'Task' }
          : { TaskSubtype: 'Call', CallDurationInSeconds: Math.round(activity.durationSeconds) }),
        Description: activity.description.slice(0, DESCRIPTION_MAX),
        ...(activity.recordId ? { WhatId: this.#id(activity.recordId) } : {}),
        ...(activity.whoId ? { WhoId: this.#id(activity.whoId) } : {}),
        [MARKER_FIELD]: activity.marker,
      }),
    );
    return saved.id;
  }

  async uploadRecording(recording: Recording): Promise<string> {
    const recordId = this.#id(recording.recordId);
    const found = await this.#call(sfIdRecordsSchema, () =>
      this.#conn
        .sobject('ContentVersion')
        .find({ [MARKER_FIELD]: recording.marker, FirstPublishLocationId: recordId }, ['Id'])
        .limit(1)
        .execute(),
    );
    if (found[0]) return found[0].Id;
    const entity = {
      Title: recording.title,
      PathOnClient: recording.fileName,
      FirstPublishLocationId: recordId,
      [MARKER_FIELD]: recording.marker,
      [DURATION_FIELD]: Math.round(recording.durationSeconds),
    };
    // Multipart streamed from the file (2 GB allowed; a JSON/base64 body stops at 37.5 MB), never in memory.
    const send = (token: string | null | undefined) => {
      const form = multipartBlob({
        jsonName: 'entity_content',
        json: entity,
        fileField: 'VersionData',
        fileName: recording.fileName,
        fileType: recording.mimeType,
        size: recording.size,
        file: recording.open(),
      });
      const url = `${this.#conn.instanceUrl}/services/data/v${this.#apiVersion}/sobjects/ContentVersion`;
      return streamUpload(url, {
        headers: {
          authorization: `Bearer ${token ?? ''}`,
          accept: 'application/json',
          'content-type': form.contentType,
        },
        body: form.body,
        length: form.length,
        timeoutMs: uploadTimeoutMs(this.#callTimeoutMs, form.length),
      }).catch((err: unknown) => {
        throw new CrmError('transient', 'NETWORK', `Salesforce upload failed: ${(err as Error).message}`);
      });
    };
    let res = await send(this.#conn.accessToken);
    if (res.status === 401) {
      this.#conn.accessToken = await this.#refreshToken(this.#conn.accessToken ?? null).catch((err: unknown) => {
        this.#refreshError = err;
        throw this.#classify(err);
      });
      res = await send(this.#conn.accessToken);
    }
    if (res.status < 200 || res.status >= 300) {
      const error = sfErrorListSchema.safeParse(res.body);
      const first = error.success ? error.data[0] : undefined;
      throw new CrmError(
        first ? kindForCode(first.errorCode, res.status) : 'transient',
        first?.errorCode ?? `HTTP_${res.status}`,
        `Salesforce: ${first ? `${first.errorCode}: ${first.message.slice(0, 300)}` : `HTTP ${res.status}`}`,
      );
    }
    const saved = await this.#call(sfSaveResultSchema, () => Promise.resolve(res.body));
    return saved.id;
  }

  /** Upsert on the external id (`PATCH .../Attendee_Key__c/<key>`): a retry updates the same row. */
  async upsertAttendee(row: AttendeeRow): Promise<string> {
    const path = `/services/data/v${this.#apiVersion}/sobjects/${ATTENDEE_OBJECT}/${ATTENDEE_KEY_FIELD}/${encodeURIComponent(row.key)}`;
    const saved = await this.#call(
      sfUpsertResultSchema.nullable(),
      async () =>
        (await this.#conn.request({
          method: 'PATCH',
          url: path,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            Name: row.name.slice(0, 80),
            Case__c: this.#id(row.recordId),
            Session_Id__c: row.sessionId.slice(0, 64),
            // An Email field holds 80 characters; a longer address stays in the Task description.
            Email__c: row.email && row.email.length <= 80 ? row.email : null,
            Phone__c: row.phone,
            Role__c: row.role,
            Joined_At__c: row.joinedAt,
            Left_At__c: row.leftAt,
            Contact__c: row.contactId,
            Lead__c: row.leadId,
          }),
        })) || null,
    );
    if (saved) return saved.id;
    // Before API 46.0 an update answers 204 without the id.
    const found = await this.#call(sfIdRecordsSchema, () =>
      this.#conn
        .sobject(ATTENDEE_OBJECT)
        .find({ [ATTENDEE_KEY_FIELD]: row.key }, ['Id'])
        .limit(1)
        .execute(),
    );
    if (!found[0]) throw new CrmError('transient', 'NOT_FOUND', 'the upserted attendee row is not there yet');
    return found[0].Id;
  }

  /**
   * emailSimple with the inputs of the pinned API version: logged on the record as an EmailMessage
   * (`logEmailOnSend`, `relatedRecordId`), linked to the contact (`recipientId`), sent as the
   * configured sender. Recipients go in `emailAddresses` (5 at most) before v65, `recipientAddresses` after.
   */
  async sendEmail(email: Email): Promise<void> {
    const others = email.to.filter((t) => t.toLowerCase() !== email.recipient?.email.toLowerCase());
    const addressField = Number(this.#apiVersion) >= 65 ? 'recipientAddresses' : 'emailAddresses';
    const sender = this.#emailSender;
    const input = {
      ...(others.length ? { [addressField]: others.slice(0, 5).join(',') } : {}),
      ...(email.recipient ? { recipientId: this.#id(email.recipient.id) } : {}),
      emailSubject: email.subject,
      emailBody: email.body,
      senderType: sender.type,
      ...(sender.type === 'OrgWideEmailAddress' ? { senderAddress: sender.address } : {}),
      ...(email.recordId ? { relatedRecordId: this.#id(email.recordId), logEmailOnSend: true } : {}),
    };
    const url = `/services/data/v${this.#apiVersion}/actions/standard/emailSimple`;
    const result = await this.#call(sfEmailSimpleSchema, () =>
      this.#conn.requestPost(url, { inputs: [input] }).catch((err: { errorCode?: string; message?: string }) => {
        // A failed input comes back as a 400 whose body is the action results: read them as results.
        if (err.errorCode === 'ERROR_HTTP_400') {
          const parsed = safeJson(err.message);
          if (sfEmailSimpleSchema.safeParse(parsed).success) return parsed;
        }
        throw err;
      }),
    );
    const first = Array.isArray(result) ? result[0]! : result;
    if (!first.isSuccess) {
      const code = first.errors?.[0]?.statusCode ?? 'EMAIL_FAILED';
      if (code === 'SINGLE_EMAIL_LIMIT_EXCEEDED')
        throw new CrmError(
          'invalid',
          code,
          "Salesforce did not send the email: your org has used up today's email limit. Give the customer the link or key another way (phone or chat), or try again tomorrow.",
        );
      const why = first.errors?.map((e) => e.message).join('; ') || 'no reason given';
      throw new CrmError('invalid', code, `Salesforce did not send the email: ${why}`);
    }
  }

  async #openLead(email: string): Promise<string | null> {
    const leads = await this.#call(sfIdRecordsSchema, () =>
      this.#conn.sobject('Lead').find({ Email: email, IsConverted: false }, ['Id']).limit(1).execute(),
    );
    return leads[0]?.Id ?? null;
  }

  /** Every id the relay sends is in the 18-character form. */
  #id(id: string): string {
    const full = normalizeSalesforceId(id);
    if (!full) throw new CrmError('invalid', 'MALFORMED_ID', `not a Salesforce record id: ${JSON.stringify(id)}`);
    return full;
  }

  /** Runs one jsforce call, validates its answer and turns every failure into a CrmError. */
  async #call<T>(schema: z.ZodType<T>, run: () => PromiseLike<unknown>): Promise<T> {
    let raw: unknown;
    this.#refreshError = null;
    try {
      raw = await run();
    } catch (err) {
      throw this.#classify(err);
    }
    try {
      return schema.parse(raw);
    } catch (err) {
      // A success the relay cannot read (truncated JSON, a proxy's HTML page) says nothing final: retry.
      const issue = (err as ZodError).issues?.[0];
      throw new CrmError(
        'transient',
        'UNEXPECTED_RESPONSE',
        `Salesforce answered an unexpected shape: ${issue?.path.join('.')} ${issue?.message}`,
      );
    }
  }

  #classify(err: unknown): CrmError {
    if (err instanceof CrmError) return err;
    const e = err as { errorCode?: string; name?: string; message?: string; code?: string };
    if (this.#refreshError instanceof CrmError) return this.#refreshError;
    const refresh = this.#refreshError as { name?: string; message?: string } | null;
    if (refresh) {
      const revoked = /invalid_grant/.test(`${refresh.name} ${refresh.message}`);
      return new CrmError(
        revoked ? 'revoked' : 'transient',
        revoked ? 'invalid_grant' : 'REFRESH_FAILED',
        revoked ? "the agent's Salesforce access was revoked; they must sign in again" : 'token refresh failed',
      );
    }
    const code = e.errorCode ?? e.name ?? e.code;
    // Only Salesforce's own error codes are final; a bare status (ERROR_HTTP_404 from an HTML page) is not.
    const kind = e.errorCode ? kindForCode(e.errorCode) : 'transient';
    return new CrmError(
      kind,
      code ?? 'UNKNOWN',
      `Salesforce: ${code ?? 'error'}: ${(e.message ?? String(err)).slice(0, 300)}`,
    );
  }
}
