// ServiceNow as one agent, over fetch: Table API, journal work notes, Attachment API, sys_email.
// On a 401 the agent's token refresher renews the access token, once per call.
import type { z } from 'zod';
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
import { CrmError, kindForStatus } from './CrmError.ts';
import { uploadTimeoutMs } from './multipart.ts';
import { streamUpload } from './streamUpload.ts';
import {
  snErrorSchema,
  snIdListSchema,
  snMemberListSchema,
  snIncidentSchema,
  snOneSchema,
  snSysIdSchema,
  snUserSchema,
} from './servicenowSchemas.ts';

export interface ServiceNowOptions {
  instanceUrl: string;
  tokens: AgentTokens;
  /** A fresh access token after `stale` was rejected (auth/CrmTokenRefresher: single-flight per agent). */
  refresh: (stale: string | null) => Promise<string>;
  /** The table the agent's records live in. */
  table?: string;
  /** Each HTTP call's limit, the answer's body included. */
  callTimeoutMs?: number;
}

/** servicenow-app's role that lets a user host sessions (the manager role contains it). */
export const HOST_ROLE = 'x_sightline_share.agent';
/** servicenow-app's role that lets a group manager supervise their groups' sessions. */
export const SUPERVISOR_ROLE = 'x_sightline_share.supervisor';
/** One Table API page of group memberships: a supervisor's team. */
const TEAM_MAX = 2000;

/** servicenow-app's table of attendees (servicenow-app/src/fluent/attendee.now.ts), which its widget reads. */
export const ATTENDEE_TABLE = 'x_sightline_share_attendee';

/** A glide_date_time value as the Table API takes it unconverted: UTC, `YYYY-MM-DD HH:MM:SS`. */
const glideTime = (iso: string | null) => (iso ? new Date(iso).toISOString().slice(0, 19).replace('T', ' ') : '');
const clip = (v: string | null | undefined, max: number) => (v ?? '').slice(0, max);
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The marker line that makes a work note findable again (idempotency of retries). */
export const markerLine = (marker: string) => `[sightline:${marker}]`;

export class ServiceNowAdapter implements CrmAdapter {
  readonly crm = 'servicenow' as const;
  readonly endpoint: string;
  readonly #base: string;
  readonly #options: ServiceNowOptions;
  readonly #table: string;
  #accessToken: string | null;

  constructor(options: ServiceNowOptions) {
    this.#options = options;
    this.#base = options.instanceUrl.replace(/\/$/, '');
    this.endpoint = this.#base;
    this.#table = options.table ?? 'incident';
    this.#accessToken = options.tokens.accessToken;
  }

  async readRecord(id: string): Promise<CrmRecord> {
    const sysId = this.#sysId(id);
    const { result } = await this.#json(
      snIncidentSchema,
      `/api/now/table/${this.#table}/${sysId}?sysparm_fields=sys_id,number,short_description,caller_id&sysparm_exclude_reference_link=true`,
    );
    let contact: CrmRecord['contact'] = null;
    if (result.caller_id && snSysIdSchema.safeParse(result.caller_id).success) {
      const caller = await this.#json(
        snUserSchema,
        `/api/now/table/sys_user/${result.caller_id}?sysparm_fields=sys_id,name,email`,
      ).catch((err: unknown) => {
        if (err instanceof CrmError && (err.kind === 'not_found' || err.kind === 'forbidden')) return null;
        throw err;
      });
      if (caller)
        contact = { id: caller.result.sys_id, name: caller.result.name ?? '', email: caller.result.email || null };
    }
    const label = [result.number ?? result.sys_id, result.short_description].filter(Boolean).join(': ');
    return { id: result.sys_id, label, contact };
  }

  mayHost(userId: string): Promise<boolean> {
    return this.#holds(HOST_ROLE, userId);
  }

  maySupervise(userId: string): Promise<boolean> {
    return this.#holds(SUPERVISOR_ROLE, userId);
  }

  async teamOf(userId: string): Promise<Set<string>> {
    // The members of every group whose manager is the supervisor (dot-walked through sys_user_grmember.group).
    const query = `group.manager=${this.#sysId(userId)}^user.active=true`;
    const found = await this.#json(
      snMemberListSchema,
      `/api/now/table/sys_user_grmember?sysparm_query=${encodeURIComponent(query)}&sysparm_fields=user&sysparm_exclude_reference_link=true&sysparm_limit=${TEAM_MAX}`,
    );
    return new Set(found.result.map((m) => m.user));
  }

  async #holds(role: string, userId: string): Promise<boolean> {
    // sys_user_has_role holds a row per role a user has, inherited ones (a role containing it) included.
    const query = `user=${this.#sysId(userId)}^role.name=${role}^state=active`;
    const found = await this.#json(
      snIdListSchema,
      `/api/now/table/sys_user_has_role?sysparm_query=${encodeURIComponent(query)}&sysparm_fields=sys_id&sysparm_limit=1`,
    );
    return found.result.length > 0;
  }

  // ServiceNow has no leads; attendees are rows of the app's own table (upsertAttendee).
  async findContactOrLead(_email: string): Promise<PersonMatch | null> {
    return null;
  }

  async createLead(_lead: NewLead): Promise<string> {
    throw new CrmError('invalid', 'NOT_SUPPORTED', 'ServiceNow has no leads');
  }

  async writeActivity(activity: Activity): Promise<string> {
    if (!activity.recordId) throw new CrmError('invalid', 'NO_RECORD', 'a ServiceNow work note needs an incident');
    const sysId = this.#sysId(activity.recordId);
    const line = markerLine(activity.marker);
    const query = `element_id=${sysId}^element=work_notes^valueLIKE${line}`;
    const found = await this.#json(
      snIdListSchema,
      `/api/now/table/sys_journal_field?sysparm_query=${encodeURIComponent(query)}&sysparm_fields=sys_id&sysparm_limit=1`,
    );
    if (found.result[0]) return found.result[0].sys_id;
    const note = `${activity.subject}\n\n${activity.description}\n\n${line}`;
    await this.#json(snOneSchema, `/api/now/table/${this.#table}/${sysId}?sysparm_fields=sys_id`, {
      method: 'PATCH',
      body: JSON.stringify({ work_notes: note }),
      headers: { 'content-type': 'application/json' },
    });
    return sysId;
  }

  /** One row per attendee, found again by its key: a retry after a lost answer writes no second row. */
  async upsertAttendee(row: AttendeeRow): Promise<string> {
    const incident = this.#sysId(row.recordId);
    const query = `attendee_key=${row.key}`;
    const found = await this.#json(
      snIdListSchema,
      `/api/now/table/${ATTENDEE_TABLE}?sysparm_query=${encodeURIComponent(query)}&sysparm_fields=sys_id&sysparm_limit=1`,
    );
    if (found.result[0]) return found.result[0].sys_id;
    // Clipped to the columns' max lengths, which the instance would otherwise truncate silently.
    const saved = await this.#json(snOneSchema, `/api/now/table/${ATTENDEE_TABLE}?sysparm_fields=sys_id`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        attendee_key: clip(row.key, 200),
        session_id: clip(row.sessionId, 100),
        incident,
        name: clip(row.name, 120),
        email: row.email && row.email.length <= 254 && EMAIL.test(row.email) ? row.email : '',
        phone: clip(row.phone, 40),
        role: row.role.toLowerCase(),
        joined_at: glideTime(row.joinedAt),
        left_at: glideTime(row.leftAt),
        session_started: glideTime(row.session?.startedAt ?? null),
        session_ended: glideTime(row.session?.endedAt ?? null),
        end_reason: clip(row.session?.endReason, 40),
        recording: clip(row.session?.recording, 255),
      }),
    });
    return saved.result.sys_id;
  }

  async uploadRecording(recording: Recording): Promise<string> {
    const sysId = this.#sysId(recording.recordId);
    const query = `table_name=${this.#table}^table_sys_id=${sysId}^file_name=${recording.fileName}`;
    const found = await this.#json(
      snIdListSchema,
      `/api/now/attachment?sysparm_query=${encodeURIComponent(query)}&sysparm_limit=1`,
    );
    if (found.result[0]) return found.result[0].sys_id;
    const params = new URLSearchParams({ table_name: this.#table, table_sys_id: sysId, file_name: recording.fileName });
    // The binary body streamed from the file with the socket's backpressure; a retry after a token
    // refresh opens the file again.
    const send = () =>
      streamUpload(`${this.#base}/api/now/attachment/file?${params}`, {
        headers: {
          accept: 'application/json',
          'content-type': recording.mimeType,
          authorization: `Bearer ${this.#accessToken ?? ''}`,
        },
        body: recording.open(),
        length: recording.size,
        timeoutMs: uploadTimeoutMs(this.#options.callTimeoutMs ?? 30_000, recording.size),
      }).catch((err: unknown) => {
        throw new CrmError('transient', 'NETWORK', `ServiceNow unreachable: ${(err as Error).message}`);
      });
    let res = await send();
    if (res.status === 401) {
      await this.#refresh();
      res = await send();
    }
    const saved = this.#interpret(snOneSchema, res.status, res.body);
    return saved.result.sys_id;
  }

  /** An outbound email record (sys_email, type send-ready): the instance sends it as the agent. */
  async sendEmail(email: Email): Promise<void> {
    await this.#json(snOneSchema, '/api/now/table/sys_email?sysparm_fields=sys_id', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'send-ready',
        recipients: email.to.join(','),
        subject: email.subject,
        body_text: email.body,
        body: email.body,
        content_type: 'text/plain',
        ...(email.recordId ? { target_table: this.#table, instance: this.#sysId(email.recordId) } : {}),
      }),
    });
  }

  #sysId(id: string): string {
    const parsed = snSysIdSchema.safeParse(id);
    if (!parsed.success)
      throw new CrmError('invalid', 'MALFORMED_ID', `not a ServiceNow sys_id: ${JSON.stringify(id)}`);
    return parsed.data;
  }

  async #json<T>(schema: z.ZodType<T>, path: string, init: RequestInit = {}): Promise<T> {
    let res = await this.#send(path, init);
    if (res.status === 401) {
      await this.#refresh();
      res = await this.#send(path, init);
    }
    const body: unknown = res.status === 204 ? {} : await res.json().catch(() => undefined);
    return this.#interpret(schema, res.status, body);
  }

  #interpret<T>(schema: z.ZodType<T>, status: number, body: unknown): T {
    if (status < 200 || status >= 300) {
      const parsed = snErrorSchema.safeParse(body ?? {});
      const error = parsed.success ? parsed.data.error : undefined;
      const why = error?.message && (error.detail ? `${error.message} (${error.detail})` : error.message);
      // Final only when ServiceNow itself says so (its JSON error body); a proxy's page is retried.
      throw new CrmError(
        error ? kindForStatus(status) : 'transient',
        `HTTP_${status}`,
        `ServiceNow: HTTP ${status}${why ? `: ${why}` : ''}`,
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      // A success the relay cannot read (truncated JSON, a proxy's HTML page) says nothing final: retry.
      const issue = parsed.error.issues[0];
      throw new CrmError(
        'transient',
        'UNEXPECTED_RESPONSE',
        `ServiceNow answered an unexpected shape: ${issue?.path.join('.')} ${issue?.message}`,
      );
    }
    return parsed.data;
  }

  async #send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.#base}${path}`, {
        ...init,
        signal: AbortSignal.timeout(this.#options.callTimeoutMs ?? 30_000),
        headers: {
          accept: 'application/json',
          ...(init.headers as object),
          authorization: `Bearer ${this.#accessToken ?? ''}`,
        },
      });
    } catch (err) {
      throw new CrmError('transient', 'NETWORK', `ServiceNow unreachable: ${(err as Error).message}`);
    }
  }

  async #refresh(): Promise<void> {
    this.#accessToken = await this.#options.refresh(this.#accessToken);
  }
}
