// lightning/uiRecordApi for the sandbox build: getRecord through SOQL, createRecord / updateRecord
// through the sObject REST resources, answers shaped as UI API records.
import { assertId, query, rest } from '../../../lib/sandboxRest.js';

function fieldPath(field) {
  if (typeof field === 'string') {
    const [objectApiName, ...rest_] = field.split('.');
    return { objectApiName, path: rest_.join('.') };
  }
  return { objectApiName: field.objectApiName, path: field.fieldApiName };
}

function toUiRecord(apiName, raw) {
  const fields = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'attributes') continue;
    fields[k] = {
      value: v && typeof v === 'object' ? toUiRecord(v.attributes ? v.attributes.type : null, v) : v,
      displayValue: null,
    };
  }
  return { apiName, id: raw.Id, fields };
}

export class getRecord {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
  }
  connect() {}
  disconnect() {}
  async update(config) {
    const fields = [...(config.fields || []), ...(config.optionalFields || [])].map(fieldPath);
    if (!config.recordId || fields.length === 0) return;
    try {
      const objectApiName = fields[0].objectApiName;
      const list = [...new Set(['Id', ...fields.map((f) => f.path)])].join(', ');
      const [row] = await query(`SELECT ${list} FROM ${objectApiName} WHERE Id = '${assertId(config.recordId)}'`);
      if (!row)
        throw Object.assign(new Error('Record not found'), { status: 404, body: { message: 'Record not found' } });
      this.dataCallback({ data: toUiRecord(objectApiName, row), error: undefined });
    } catch (error) {
      this.dataCallback({ data: undefined, error });
    }
  }
}

export function getFieldValue(record, field) {
  const { path } = fieldPath(field);
  let r = record;
  for (const f of path.split('.')) {
    if (!r || !r.fields || !r.fields[f]) return undefined;
    r = r.fields[f].value;
  }
  return r;
}

export async function createRecord({ apiName, fields }) {
  const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));
  const { id } = await rest(`/sobjects/${encodeURIComponent(apiName)}`, { method: 'POST', body });
  return { apiName, id, fields: {} };
}

let prefixes;
async function objectForId(id) {
  if (!prefixes) {
    const { sobjects } = await rest('/sobjects');
    prefixes = new Map(sobjects.filter((s) => s.keyPrefix).map((s) => [s.keyPrefix, s.name]));
  }
  const name = prefixes.get(String(id).slice(0, 3));
  if (!name) throw new Error(`no object has key prefix ${String(id).slice(0, 3)}`);
  return name;
}

export async function updateRecord({ fields }) {
  const { Id, ...rest_ } = fields;
  const apiName = await objectForId(assertId(Id));
  await rest(`/sobjects/${apiName}/${Id}`, { method: 'PATCH', body: rest_ });
  return { apiName, id: Id, fields: {} };
}
