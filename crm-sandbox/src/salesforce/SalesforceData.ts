// sObject DML with Salesforce's validation rules: field existence and access, types, references,
// required fields, the Task Who/What rule, and the derived fields Salesforce computes.
import { normalizeSalesforceId, salesforceId } from '../ids.ts';
import { sfDateTime } from '../time.ts';
import type { Doc, Store } from '../store.ts';
import { SalesforceError, invalidField, invalidType, notFound } from './errors.ts';
import { objectDef, objectForId, SETUP_OBJECTS, type FieldDef, type ObjectDef } from './schema.ts';

export interface NewFile {
  bytes: Uint8Array;
}

export class SalesforceData {
  readonly store: Store;
  readonly #fileStorageBytes: number;

  /** `fileStorageBytes`: the org's file storage; an upload past it fails as in a full org. */
  constructor(store: Store, fileStorageBytes = Number.POSITIVE_INFINITY) {
    this.store = store;
    this.#fileStorageBytes = fileStorageBytes;
  }

  describe(type: string): ObjectDef {
    const def = objectDef(type);
    if (!def) throw invalidType(type);
    return def;
  }

  /** A record of any type by id (15 or 18 chars), or undefined. */
  find(id: string): { def: ObjectDef; record: Doc } | undefined {
    const full = normalizeSalesforceId(id);
    const def = full && objectForId(full);
    if (!full || !def) return undefined;
    const row = this.store.get('salesforce', full);
    if (!row || row.data.IsDeleted === true) return undefined;
    return { def, record: row.data };
  }

  get(type: string, id: string): Doc {
    const def = this.describe(type);
    const found = this.find(id);
    if (!found || found.def !== def) throw notFound();
    return found.record;
  }

  list(type: string, includeDeleted = false): Doc[] {
    const def = this.describe(type);
    const all = this.store.all('salesforce', def.name);
    return includeDeleted ? all : all.filter((r) => r.IsDeleted !== true);
  }

  create(type: string, body: Doc, userId: string, file?: NewFile): string {
    const def = this.describe(type);
    if (def.name === 'Organization' || def.name === 'ContentDocument') {
      throw new SalesforceError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type ${def.name} does not support insert`);
    }
    refuseSetupDml(def.name);
    const values = this.coerce(def, body, 'create');
    for (const f of def.fields) {
      if (values[f.name] === undefined && f.defaultValue !== null) values[f.name] = f.defaultValue;
    }
    if (def.fields.some((f) => f.name === 'OwnerId') && !values.OwnerId) values.OwnerId = userId;
    if (def.name === 'ContentVersion') {
      // A multipart body's binary part is taken as it is; a JSON body carries base64 (37.5 MB at most).
      if (file) values.VersionData = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
      else refuseLargeBase64(def, values);
      if (values.VersionData === undefined) throw missing(['VersionData']);
    }
    const missingFields = def.fields.filter(
      (f) => f.required && (values[f.name] === undefined || values[f.name] === null || values[f.name] === ''),
    );
    if (missingFields.length) throw missing(missingFields.map((f) => f.name));
    this.checkUnique(def, values);
    const now = sfDateTime();
    const id = salesforceId(def.keyPrefix, this.store.next(`sf:${def.keyPrefix}`, 1000));
    const record: Doc = {
      Id: id,
      IsDeleted: false,
      ...Object.fromEntries(def.fields.filter((f) => f.type !== 'id').map((f) => [f.name, null])),
      ...values,
      CreatedDate: now,
      CreatedById: userId,
      LastModifiedDate: now,
      LastModifiedById: userId,
      SystemModstamp: now,
    };
    if (def.name === 'Case') record.CaseNumber = String(this.store.next('sf:CaseNumber', 1001)).padStart(8, '0');
    this.derive(def, record);
    this.store.transaction(() => {
      if (def.name === 'ContentVersion') this.insertContentVersion(record, userId);
      else this.store.insert('salesforce', def.name, id, record);
    });
    return id;
  }

  update(type: string, id: string, body: Doc, userId: string): void {
    const def = this.describe(type);
    refuseSetupDml(def.name);
    const record = { ...this.get(def.name, id) };
    Object.assign(record, this.coerce(def, body, 'update'));
    const stillMissing = def.fields.filter((f) => f.required && (record[f.name] === null || record[f.name] === ''));
    if (stillMissing.length) throw missing(stillMissing.map((f) => f.name));
    this.checkUnique(def, record);
    const now = sfDateTime();
    Object.assign(record, { LastModifiedDate: now, LastModifiedById: userId, SystemModstamp: now });
    this.derive(def, record);
    this.store.update(String(record.Id), record);
  }

  /**
   * Upsert on an External ID field: creates the record (with the field set to `value`) when none holds
   * the value, else updates the one that does; several holders are Salesforce's 300 Multiple Choices.
   */
  upsert(type: string, fieldName: string, value: string, body: Doc, userId: string): { id: string; created: boolean } {
    const def = this.describe(type);
    const f = def.byLowerName.get(fieldName.toLowerCase());
    if (!f || !(f.externalId || f.type === 'id'))
      throw new SalesforceError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${fieldName}`,
      );
    const given = Object.entries(body).find(([k]) => k.toLowerCase() === f.name.toLowerCase());
    if (given && given[1] !== value)
      throw new SalesforceError(
        400,
        'INVALID_FIELD',
        `The value of the external ID field in the body (${String(given[1])}) does not match the one in the URL (${value})`,
        [f.name],
      );
    if (f.type === 'id') {
      this.update(def.name, value, body, userId);
      return { id: String(this.get(def.name, value).Id), created: false };
    }
    const holders = this.list(def.name).filter((r) => r[f.name] === value);
    if (holders.length > 1)
      throw new SalesforceError(300, 'MULTIPLE_CHOICES', `More than one record found for external id field ${f.name}`);
    if (holders[0]) {
      this.update(def.name, String(holders[0].Id), body, userId);
      return { id: String(holders[0].Id), created: false };
    }
    return { id: this.create(def.name, { ...body, [f.name]: value }, userId), created: true };
  }

  delete(type: string, id: string): void {
    const def = this.describe(type);
    refuseSetupDml(def.name);
    const record = this.get(def.name, id);
    if (def.name === 'ContentDocument') {
      for (const v of this.list('ContentVersion').filter((v) => v.ContentDocumentId === record.Id))
        this.store.delete(String(v.Id));
      for (const l of this.list('ContentDocumentLink').filter((l) => l.ContentDocumentId === record.Id))
        this.store.delete(String(l.Id));
    }
    // Deleted records stay queryable through queryAll, as in the recycle bin.
    this.store.update(String(record.Id), { ...record, IsDeleted: true, SystemModstamp: sfDateTime() });
  }

  /**
   * A user reads a file they own or one linked to a record (the sandbox lets every user read every
   * record); a file linked only to other users is theirs alone.
   */
  canReadFile(versionId: string, userId: string): boolean {
    const found = this.find(versionId);
    if (found?.def.name !== 'ContentVersion') return false;
    const version = found.record;
    if (version.OwnerId === userId) return true;
    return this.list('ContentDocumentLink').some(
      (l) =>
        l.ContentDocumentId === version.ContentDocumentId &&
        (l.LinkedEntityId === userId || !String(l.LinkedEntityId).startsWith('005')),
    );
  }

  versionData(id: string): Uint8Array {
    const record = this.get('ContentVersion', id);
    const bytes = this.store.getBlob(String(record.Id));
    if (!bytes) throw notFound();
    return bytes;
  }

  /** Unique fields (the package's unique External IDs) refuse a value another record already holds. */
  private checkUnique(def: ObjectDef, values: Doc): void {
    for (const f of def.fields.filter((x) => x.unique)) {
      const v = values[f.name];
      if (v === undefined || v === null || v === '') continue;
      const other = this.list(def.name).find((r) => r[f.name] === v && r.Id !== values.Id);
      if (other)
        throw new SalesforceError(
          400,
          'DUPLICATE_VALUE',
          `duplicate value found: ${f.name} duplicates value on record with id: ${String(other.Id)}`,
          [f.name],
        );
    }
  }

  /** Validates and converts a request body's fields to stored values. */
  private coerce(def: ObjectDef, body: Doc, op: 'create' | 'update'): Doc {
    const out: Doc = {};
    const blocked: string[] = [];
    for (const [key, raw] of Object.entries(body)) {
      if (key === 'attributes') continue;
      const f = def.byLowerName.get(key.toLowerCase());
      if (!f) throw invalidField(key, def.name);
      if (f.type === 'id') continue;
      if (op === 'create' ? !f.createable : !f.updateable) {
        blocked.push(f.name);
        continue;
      }
      out[f.name] = this.value(f, raw);
    }
    if (blocked.length) {
      throw new SalesforceError(
        400,
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${blocked.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        blocked,
      );
    }
    return out;
  }

  private value(f: FieldDef, raw: unknown): unknown {
    if (raw === null || (raw === '' && f.type !== 'string' && f.type !== 'textarea')) return null;
    const wrong = () =>
      new SalesforceError(
        400,
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of ${f.type} from value ${JSON.stringify(raw)} for field ${f.name}`,
        [f.name],
      );
    switch (f.type) {
      case 'boolean':
        if (typeof raw !== 'boolean') throw wrong();
        return raw;
      case 'int':
        if (typeof raw !== 'number' || !Number.isInteger(raw)) throw wrong();
        return raw;
      case 'double':
        if (typeof raw !== 'number') throw wrong();
        return raw;
      case 'date':
        if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) throw wrong();
        return raw;
      case 'datetime': {
        const ms = typeof raw === 'string' ? Date.parse(raw) : NaN;
        if (Number.isNaN(ms)) throw wrong();
        return sfDateTime(new Date(ms));
      }
      case 'reference':
        return this.reference(f, raw);
      case 'base64':
        if (typeof raw !== 'string' || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(raw)) throw wrong();
        return raw.replace(/\s/g, '');
      case 'picklist':
        if (typeof raw !== 'string') throw wrong();
        if (f.restricted && !f.picklist.includes(raw)) {
          throw new SalesforceError(
            400,
            'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            `${f.label}: bad value for restricted picklist field: ${raw}`,
            [f.name],
          );
        }
        return raw;
      default: {
        if (typeof raw !== 'string') {
          if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
          throw wrong();
        }
        if (raw.length > f.length) {
          throw new SalesforceError(
            400,
            'STRING_TOO_LONG',
            `${f.label}: data value too large: ${raw.slice(0, 40)}... (max length=${f.length})`,
            [f.name],
          );
        }
        if (f.type === 'email' && raw !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw)) {
          throw new SalesforceError(400, 'INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${raw}`, [
            f.name,
          ]);
        }
        return raw;
      }
    }
  }

  private reference(f: FieldDef, raw: unknown): string {
    const id = typeof raw === 'string' ? normalizeSalesforceId(raw) : undefined;
    const target = id && objectForId(id);
    if (!id || !target || !f.referenceTo.includes(target.name)) {
      throw new SalesforceError(
        400,
        'FIELD_INTEGRITY_EXCEPTION',
        `${f.label}: id value of incorrect type: ${String(raw)}`,
        [f.name],
      );
    }
    if (!this.find(id)) {
      throw new SalesforceError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [f.name]);
    }
    return id;
  }

  /** Fields Salesforce computes, and the cross-field rules it enforces. */
  private derive(def: ObjectDef, r: Doc): void {
    if (def.name === 'Contact' || def.name === 'Lead' || def.name === 'User') {
      r.Name = [r.FirstName, r.LastName].filter((s) => typeof s === 'string' && s).join(' ');
    }
    if (def.name === 'User' && !r.Alias) r.Alias = String(r.LastName ?? '').slice(0, 8);
    if (def.name === 'Case') {
      r.IsClosed = r.Status === 'Closed';
      r.ContactEmail = r.ContactId ? ((this.find(String(r.ContactId))?.record.Email as string | null) ?? null) : null;
    }
    if (def.name === 'Task') {
      r.IsClosed = r.Status === 'Completed' || r.Status === 'Deferred';
      if (typeof r.WhoId === 'string' && r.WhoId.startsWith('00Q') && r.WhatId) {
        throw new SalesforceError(
          400,
          'FIELD_INTEGRITY_EXCEPTION',
          "Related To ID: You can't associate a Related To record with a task whose Name is a lead.",
          ['WhatId'],
        );
      }
    }
  }

  /** A new file version: its ContentDocument (first version) and the FirstPublishLocation link. */
  private insertContentVersion(v: Doc, userId: string): void {
    const bytes = Buffer.isBuffer(v.VersionData) ? v.VersionData : Buffer.from(String(v.VersionData), 'base64');
    const used = this.list('ContentVersion').reduce((n, x) => n + Number(x.ContentSize ?? 0), 0);
    if (used + bytes.length > this.#fileStorageBytes)
      throw new SalesforceError(400, 'STORAGE_LIMIT_EXCEEDED', 'storage limit exceeded');
    const ext = (/\.([A-Za-z0-9]{1,20})$/.exec(String(v.PathOnClient))?.[1] ?? '').toLowerCase();
    const id = String(v.Id);
    Object.assign(v, {
      Title: v.Title ?? String(v.PathOnClient).replace(/\.[^.]*$/, ''),
      FileExtension: ext || null,
      FileType: ext ? ext.toUpperCase() : 'UNKNOWN',
      ContentSize: bytes.length,
      IsLatest: true,
      VersionData: `/services/data/v62.0/sobjects/ContentVersion/${id}/VersionData`,
    });
    this.store.putBlob(id, bytes);
    const now = String(v.CreatedDate);
    const stamp = {
      IsDeleted: false,
      CreatedDate: now,
      CreatedById: userId,
      LastModifiedDate: now,
      LastModifiedById: userId,
      SystemModstamp: now,
    };
    if (v.ContentDocumentId) {
      if (v.FirstPublishLocationId) {
        throw new SalesforceError(
          400,
          'FIELD_INTEGRITY_EXCEPTION',
          'First Publish Location ID: You can set this only on the first version of a file.',
          ['FirstPublishLocationId'],
        );
      }
      const doc = this.get('ContentDocument', String(v.ContentDocumentId));
      const previous = this.list('ContentVersion').filter((x) => x.ContentDocumentId === doc.Id);
      for (const p of previous) this.store.update(String(p.Id), { ...p, IsLatest: false });
      v.VersionNumber = String(previous.length + 1);
      this.store.insert('salesforce', 'ContentVersion', id, v);
      this.store.update(String(doc.Id), {
        ...doc,
        LatestPublishedVersionId: id,
        Title: v.Title,
        FileExtension: v.FileExtension,
        FileType: v.FileType,
        ContentSize: bytes.length,
        LastModifiedDate: now,
        SystemModstamp: now,
      });
      return;
    }
    const docId = salesforceId('069', this.store.next('sf:069', 1000));
    v.ContentDocumentId = docId;
    v.VersionNumber = '1';
    this.store.insert('salesforce', 'ContentVersion', id, v);
    this.store.insert('salesforce', 'ContentDocument', docId, {
      Id: docId,
      OwnerId: v.OwnerId,
      Title: v.Title,
      LatestPublishedVersionId: id,
      FileExtension: v.FileExtension,
      FileType: v.FileType,
      ContentSize: bytes.length,
      ...stamp,
    });
    const link = (entity: string, shareType: string) => {
      const linkId = salesforceId('06A', this.store.next('sf:06A', 1000));
      this.store.insert('salesforce', 'ContentDocumentLink', linkId, {
        Id: linkId,
        ContentDocumentId: docId,
        LinkedEntityId: entity,
        ShareType: shareType,
        Visibility: 'AllUsers',
        ...stamp,
      });
    };
    link(String(v.OwnerId ?? userId), 'I');
    if (v.FirstPublishLocationId && v.FirstPublishLocationId !== v.OwnerId) link(String(v.FirstPublishLocationId), 'V');
  }
}

const missing = (fields: string[]) =>
  new SalesforceError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${fields.join(', ')}]`, fields);

/** Only an administrator assigns permissions (in Setup); the API users the relay acts as cannot. */
function refuseSetupDml(type: string): void {
  if (SETUP_OBJECTS.has(type))
    throw new SalesforceError(
      400,
      'INSUFFICIENT_ACCESS_OR_READONLY',
      `insufficient access rights on ${type}: permissions are assigned by an administrator in Setup`,
    );
}

/** Base64 in a JSON (non-multipart) body: Salesforce takes 37.5 MB of it; a larger file must go multipart. */
export const MAX_JSON_BASE64_BYTES = 37.5 * 1024 * 1024;

function refuseLargeBase64(def: ObjectDef, values: Doc): void {
  for (const f of def.fields) {
    const value = values[f.name];
    if (f.type !== 'base64' || typeof value !== 'string' || value.length <= MAX_JSON_BASE64_BYTES) continue;
    // The request-size error shape Salesforce answers (its text for this case is unverified, CRM-WIRE.md).
    throw new SalesforceError(
      413,
      'JSON_PARSER_ERROR',
      `Maximum size of request reached. Maximum size of request is ${MAX_JSON_BASE64_BYTES} bytes of base64-encoded data; use a multipart request.`,
    );
  }
}
