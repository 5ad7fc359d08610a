// UI API `GET /ui-api/related-list-records/{parentRecordId}/{relatedListId}` (User Interface API
// Developer Guide, "Get Related List Records" and "Related List Record Collection"): the records of
// one child relationship of a record, as record representations ({fields: {Name: {value,
// displayValue}}}), read as the user through the SOQL engine so the same sharing rules apply.
import type { Doc } from '../store.ts';
import type { SalesforceContext } from './context.ts';
import { SalesforceError } from './errors.ts';
import { objectDef, type ObjectDef } from './schema.ts';

/** The child relationships the sandbox answers (API 62.0+ accepts a child relationship's name). */
const RELATED_LISTS: Record<string, { object: string; field: string; parents: string[] }> = {
  ContentDocumentLinks: {
    object: 'ContentDocumentLink',
    field: 'LinkedEntityId',
    parents: ['Case', 'Account', 'Contact', 'Lead'],
  },
};

export interface RelatedListRequest {
  parentId: string;
  relatedListId: string;
  query: URLSearchParams;
  userId: string;
  version: string;
}

const bad = (message: string) => new SalesforceError(400, 'INVALID_INPUT', message);

function list(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function relatedListRecords(ctx: SalesforceContext, req: RelatedListRequest): Doc {
  const parent = ctx.data.find(req.parentId);
  if (!parent) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
  const spec = RELATED_LISTS[req.relatedListId];
  if (!spec || !spec.parents.includes(parent.def.name))
    throw bad(`Related list ${req.relatedListId} is not supported for ${parent.def.name}`);
  if (req.query.has('where')) throw bad('where is not supported by this sandbox');
  const child = objectDef(spec.object)!;
  const strip = (f: string, required: boolean): string[] | null => {
    const parts = f.split('.');
    if (parts[0] !== child.name || parts.length < 2) {
      if (required) throw bad(`Field ${f} must start with ${child.name}.`);
      return null;
    }
    return parts.slice(1);
  };
  const fields = list(req.query, 'fields');
  const optionalFields = list(req.query, 'optionalFields');
  const paths = [
    ...fields.map((f) => strip(f, true)!),
    ...optionalFields.map((f) => strip(f, false)).filter((p): p is string[] => p !== null),
  ];
  const pageSize = Number(req.query.get('pageSize') ?? 50);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1999) throw bad('pageSize must be 1 to 1999');
  const pageToken = Number(req.query.get('pageToken') ?? 0);
  if (!Number.isInteger(pageToken) || pageToken < 0) throw bad('pageToken is invalid');
  const sortBy = list(req.query, 'sortBy');
  if (sortBy.length > 1) throw bad('sortBy accepts one field');
  // Every relationship's Id comes along: a record representation carries its id.
  const select = new Set(['Id', 'SystemModstamp', 'LastModifiedDate', 'LastModifiedById']);
  for (const p of paths) {
    select.add(p.join('.'));
    for (let i = 1; i < p.length; i++) select.add([...p.slice(0, i), 'Id'].join('.'));
  }
  const order = sortBy[0]
    ? ` ORDER BY ${strip(sortBy[0].replace(/^-/, ''), true)!.join('.')} ${sortBy[0].startsWith('-') ? 'DESC' : 'ASC'}`
    : '';
  const soql = `SELECT ${[...select].join(', ')} FROM ${child.name} WHERE ${spec.field} = '${String(parent.record.Id)}'${order}`;
  const rows = ctx.soql.run(soql, false, req.userId).records;
  const page = rows.slice(pageToken, pageToken + pageSize);
  const base = `/services/data/v${req.version}/ui-api/related-list-records/${String(parent.record.Id)}/${req.relatedListId}`;
  const pageUrl = (token: number) => {
    const q = new URLSearchParams(req.query);
    q.set('pageSize', String(pageSize));
    q.set('pageToken', String(token));
    return `${base}?${q.toString()}`;
  };
  const next = pageToken + pageSize < rows.length ? pageToken + pageSize : null;
  const previous = pageToken > 0 ? Math.max(0, pageToken - pageSize) : null;
  return {
    count: page.length,
    currentPageToken: String(pageToken),
    currentPageUrl: pageUrl(pageToken),
    fields,
    listInfoETag: `sandbox-${req.relatedListId}`,
    listReference: {
      id: null,
      inContextOfRecordId: String(parent.record.Id),
      listViewApiName: req.relatedListId,
      objectApiName: child.name,
      parentObjectApiName: parent.def.name,
      recordTypeId: null,
      relatedListId: req.relatedListId,
      type: 'relatedList',
    },
    nextPageToken: next === null ? null : String(next),
    nextPageUrl: next === null ? null : pageUrl(next),
    optionalFields,
    pageSize,
    parentRecordId: String(parent.record.Id),
    previousPageToken: previous === null ? null : String(previous),
    previousPageUrl: previous === null ? null : pageUrl(previous),
    records: page.map((r) => representation(child, r)),
    sortBy,
  };
}

/** A SOQL row as a UI API record representation; a relationship's value is the parent's representation. */
function representation(def: ObjectDef, row: Doc): Doc {
  const fields: Doc = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'attributes') continue;
    const ref = def.relationships.get(key.toLowerCase());
    if (ref && value && typeof value === 'object') {
      const target = ref.referenceTo.length === 1 ? objectDef(ref.referenceTo[0]!) : undefined;
      fields[ref.relationshipName!] = {
        displayValue: null,
        value: target ? representation(target, value as Doc) : null,
      };
    } else fields[key] = { displayValue: null, value: value ?? null };
  }
  const stamp = (fields.SystemModstamp as Doc | undefined)?.value ?? null;
  return {
    apiName: def.name,
    childRelationships: {},
    eTag: `sandbox-${String(row.Id)}-${String(stamp)}`,
    fields,
    id: row.Id ?? null,
    lastModifiedById: (fields.LastModifiedById as Doc | undefined)?.value ?? null,
    lastModifiedDate: (fields.LastModifiedDate as Doc | undefined)?.value ?? null,
    recordTypeId: null,
    recordTypeInfo: null,
    systemModstamp: stamp,
    weakEtag: 0,
  };
}
