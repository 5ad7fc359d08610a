// ServiceNow records: inserts and updates with string values, journal fields written to
// sys_journal_field, emails queued in sys_email captured in the outbox, attachments, and the Table
// API's serialisation (reference links, display values).
import { createHash } from 'node:crypto';
import { newSysId } from '../ids.ts';
import { snDateTime } from '../time.ts';
import type { Doc, Store } from '../store.ts';
import { ServiceNowError, invalidTable, noRecord } from './errors.ts';
import { compileEncodedQuery } from './encodedQuery.ts';
import { ROLE_TABLES, tableDef, type TableDef } from './schema.ts';

export type DisplayMode = 'false' | 'true' | 'all';

export interface SerializeOptions {
  fields?: string[] | undefined;
  display: DisplayMode;
  excludeReferenceLink: boolean;
}

export interface Actor {
  sysId: string;
  userName: string;
}

export class ServiceNowData {
  readonly store: Store;
  private readonly baseUrl: () => string;

  constructor(store: Store, baseUrl: () => string) {
    this.store = store;
    this.baseUrl = baseUrl;
  }

  table(name: string): TableDef {
    const def = tableDef(name);
    if (!def) throw invalidTable(name);
    return def;
  }

  get(table: string, sysId: string): Doc {
    const def = this.table(table);
    const row = /^[0-9a-f]{32}$/.test(sysId) ? this.store.get('servicenow', sysId) : undefined;
    if (!row || row.type !== def.name) throw noRecord();
    return row.data;
  }

  find(table: string, sysId: string): Doc | undefined {
    const row = this.store.get('servicenow', sysId);
    return row && row.type === table ? row.data : undefined;
  }

  list(table: string): Doc[] {
    return this.store.all('servicenow', this.table(table).name);
  }

  actor(userSysId: string): Actor {
    const u = this.find('sys_user', userSysId);
    return { sysId: userSysId, userName: String(u?.user_name ?? 'system') };
  }

  /** Rows matching an encoded query, sorted, with the total before paging. */
  query(table: string, encoded: string, userId: string): Doc[] {
    const def = this.table(table);
    const q = compileEncodedQuery(encoded, {
      userId,
      hasField: (path) => this.hasPath(def, path),
      value: (record, path) => this.walk(def, record, path),
    });
    if (q.invalid) return [];
    const rows = this.list(def.name).filter((r) => q.matches(r));
    if (q.orderBy.length) {
      rows.sort((a, b) => {
        for (const o of q.orderBy) {
          const x = this.walk(def, a, o.field) ?? '';
          const y = this.walk(def, b, o.field) ?? '';
          if (x !== y) return (x < y ? -1 : 1) * (o.desc ? -1 : 1);
        }
        return 0;
      });
    }
    return rows;
  }

  private hasPath(def: TableDef, path: string): boolean {
    const [head, ...rest] = path.split('.');
    const col = def.columns[head!];
    if (!col) return def.open && rest.length === 0 && /^[a-z0-9_]+$/.test(head!);
    if (!rest.length) return true;
    const target = col.type === 'reference' && col.reference ? tableDef(col.reference) : undefined;
    return target !== undefined && this.hasPath(target, rest.join('.'));
  }

  private walk(def: TableDef, record: Doc, path: string): string | undefined {
    const [head, ...rest] = path.split('.');
    const value = record[head!];
    if (!rest.length) return value === undefined ? '' : String(value);
    const col = def.columns[head!];
    const target = col?.reference ? this.find(col.reference, String(value ?? '')) : undefined;
    const targetDef = col?.reference ? tableDef(col.reference) : undefined;
    return target && targetDef ? this.walk(targetDef, target, rest.join('.')) : '';
  }

  insert(table: string, body: Doc, actor: Actor): Doc {
    const def = this.table(table);
    if (def.name === 'sys_journal_field' || def.name === 'sys_attachment') {
      throw new ServiceNowError(403, 'Operation Failed', `Insert into ${def.name} is done through its owning API`);
    }
    refuseRoleWrite(def.name, 'Insert');
    const { values, journal } = this.coerce(def, body);
    const now = snDateTime();
    const id = newSysId();
    const record: Doc = {
      ...Object.fromEntries(Object.entries(def.columns).map(([k, c]) => [k, c.type === 'boolean' ? 'false' : ''])),
      ...values,
      sys_id: id,
      sys_created_on: now,
      sys_created_by: actor.userName,
      sys_updated_on: now,
      sys_updated_by: actor.userName,
      sys_mod_count: '0',
      sys_class_name: def.name,
    };
    if (def.name === 'incident') {
      record.number = `INC${String(this.store.next('sn:incident', 10001)).padStart(7, '0')}`;
      record.state ||= '1';
      record.active = 'true';
      record.opened_at ||= now;
      record.opened_by ||= actor.sysId;
    }
    if (def.name === 'sys_user') record.name ||= [record.first_name, record.last_name].filter(Boolean).join(' ');
    if (def.name === 'sys_email') record.state ||= record.type === 'send-ready' ? 'ready' : '';
    this.store.transaction(() => {
      this.store.insert('servicenow', def.name, id, record);
      this.writeJournal(def, id, journal, actor);
      if (def.name === 'sys_email' && record.type === 'send-ready') this.queueEmail(record, actor);
    });
    return record;
  }

  update(table: string, sysId: string, body: Doc, actor: Actor): Doc {
    const def = this.table(table);
    refuseRoleWrite(def.name, 'Update');
    const record = { ...this.get(def.name, sysId) };
    const { values, journal } = this.coerce(def, body);
    Object.assign(record, values, {
      sys_updated_on: snDateTime(),
      sys_updated_by: actor.userName,
      sys_mod_count: String(Number(record.sys_mod_count ?? 0) + 1),
    });
    this.store.transaction(() => {
      this.store.update(sysId, record);
      this.writeJournal(def, sysId, journal, actor);
    });
    return record;
  }

  delete(table: string, sysId: string): void {
    const def = this.table(table);
    refuseRoleWrite(def.name, 'Delete');
    this.get(def.name, sysId);
    this.store.delete(sysId);
  }

  /** Attaches a file to a record (Attachment API). */
  attach(
    table: string,
    tableSysId: string,
    fileName: string,
    contentType: string,
    bytes: Uint8Array,
    actor: Actor,
  ): Doc {
    const def = tableDef(table);
    if (!def || !this.find(def.name, tableSysId))
      throw new ServiceNowError(400, 'Invalid table name or sys_id', `${table}/${tableSysId} does not exist`);
    const id = newSysId();
    const now = snDateTime();
    const record: Doc = {
      sys_id: id,
      file_name: fileName,
      content_type: contentType,
      size_bytes: String(bytes.length),
      size_compressed: String(bytes.length),
      table_name: def.name,
      table_sys_id: tableSysId,
      hash: createHash('sha256').update(bytes).digest('hex'),
      compressed: 'false',
      state: 'available',
      sys_created_on: now,
      sys_created_by: actor.userName,
      sys_updated_on: now,
      sys_updated_by: actor.userName,
      sys_mod_count: '0',
      sys_class_name: 'sys_attachment',
    };
    this.store.transaction(() => {
      this.store.insert('servicenow', 'sys_attachment', id, record);
      this.store.putBlob(id, bytes);
    });
    return record;
  }

  attachmentFile(sysId: string): { meta: Doc; bytes: Uint8Array } {
    const meta = this.get('sys_attachment', sysId);
    const bytes = this.store.getBlob(sysId);
    if (!bytes) throw noRecord();
    return { meta, bytes };
  }

  attachmentJson(meta: Doc): Doc {
    return {
      ...meta,
      download_link: `${this.baseUrl()}/api/now/attachment/${String(meta.sys_id)}/file`,
      image_width: '',
      image_height: '',
      average_image_color: '',
      sys_tags: '',
    };
  }

  /** A journal field's entries, newest first, as ServiceNow renders them for display. */
  journalText(table: string, sysId: string, element: string): string {
    return this.journal(table, sysId, element)
      .map(
        (j) =>
          `${String(j.sys_created_on)} - ${this.displayUser(String(j.sys_created_by))} (${element === 'work_notes' ? 'Work notes' : 'Additional comments'})\n${String(j.value)}\n\n`,
      )
      .join('');
  }

  journal(table: string, sysId: string, element: string): Doc[] {
    return this.list('sys_journal_field')
      .filter((j) => j.name === table && j.element_id === sysId && j.element === element)
      .reverse();
  }

  private displayUser(userName: string): string {
    return String(this.list('sys_user').find((u) => u.user_name === userName)?.name ?? userName);
  }

  serialize(table: string, record: Doc, o: SerializeOptions): Doc {
    const def = this.table(table);
    const names = o.fields?.length ? o.fields : Object.keys(record);
    const out: Doc = {};
    for (const name of names) {
      const col = def.columns[name];
      if (name.includes('.')) {
        out[name] = this.walk(def, record, name) ?? '';
        continue;
      }
      if (!col && !(name in record)) continue;
      const raw = col?.type === 'journal' ? '' : String(record[name] ?? '');
      if (col?.type === 'journal') {
        const text = this.journalText(def.name, String(record.sys_id), name);
        out[name] = o.display === 'false' ? '' : o.display === 'true' ? text : { display_value: text, value: '' };
        continue;
      }
      if (col?.type === 'reference' && col.reference) {
        const link = `${this.baseUrl()}/api/now/table/${col.reference}/${raw}`;
        const target = raw ? this.find(col.reference, raw) : undefined;
        const display = target ? String(target[tableDef(col.reference)!.display] ?? '') : '';
        if (!raw) out[name] = o.display === 'all' ? { display_value: '', value: '' } : '';
        else if (o.display === 'true') out[name] = o.excludeReferenceLink ? display : { display_value: display, link };
        else if (o.display === 'all')
          out[name] = o.excludeReferenceLink
            ? { display_value: display, value: raw }
            : { display_value: display, link, value: raw };
        else out[name] = o.excludeReferenceLink ? raw : { link, value: raw };
        continue;
      }
      out[name] = o.display === 'all' ? { display_value: raw, value: raw } : raw;
    }
    return out;
  }

  /** String values for known columns (unknown ones are ignored, as ServiceNow does); journal writes split out. */
  private coerce(def: TableDef, body: Doc): { values: Doc; journal: Array<[string, string]> } {
    const values: Doc = {};
    const journal: Array<[string, string]> = [];
    for (const [key, raw] of Object.entries(body)) {
      const col = def.columns[key];
      if (!col) {
        if (def.open && /^[a-z][a-z0-9_]*$/.test(key) && !key.startsWith('sys_')) values[key] = stringValue(raw);
        continue;
      }
      if (col.readOnly) continue;
      const value = stringValue(raw);
      if (col.type === 'journal') {
        if (value.trim()) journal.push([key, value]);
        continue;
      }
      if (col.type === 'reference' && value && col.reference && !this.find(col.reference, value)) {
        // ServiceNow stores what it is given; a wrong reference just shows empty. Keep only valid ones.
        continue;
      }
      values[key] = col.type === 'boolean' ? String(value === 'true' || value === '1') : value;
    }
    return { values, journal };
  }

  private writeJournal(def: TableDef, sysId: string, entries: Array<[string, string]>, actor: Actor): void {
    for (const [element, value] of entries) {
      const id = newSysId();
      const now = snDateTime();
      this.store.insert('servicenow', 'sys_journal_field', id, {
        sys_id: id,
        element,
        element_id: sysId,
        name: def.name,
        value,
        sys_created_on: now,
        sys_created_by: actor.userName,
        sys_updated_on: now,
        sys_updated_by: actor.userName,
        sys_mod_count: '0',
        sys_class_name: 'sys_journal_field',
      });
    }
  }

  private queueEmail(record: Doc, actor: Actor): void {
    const sender = this.find('sys_user', actor.sysId);
    this.store.addEmail({
      crm: 'servicenow',
      from: String(sender?.email ?? 'instance@sightline.demo'),
      to: String(record.recipients ?? '')
        .split(/[,;]/)
        .map((s) => s.trim())
        .filter(Boolean),
      subject: String(record.subject ?? ''),
      body: String(record.body_text || record.body || ''),
      relatedId: record.instance ? String(record.instance) : null,
    });
  }
}

function stringValue(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  if (typeof raw === 'object' && 'value' in (raw as Doc)) return String((raw as Doc).value ?? '');
  return typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
}

/** Granting roles is a user administrator's job: the instance's ACLs refuse everyone else. */
function refuseRoleWrite(table: string, operation: 'Insert' | 'Update' | 'Delete'): void {
  if (ROLE_TABLES.has(table))
    throw new ServiceNowError(403, 'Operation Failed', `ACL Exception ${operation} Failed due to security constraints`);
}
