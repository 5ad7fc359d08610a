// Same-origin calls to the sandbox's Salesforce REST API, authenticated by the UI session cookie as
// Lightning's own calls are. Errors keep Salesforce's shape ([{message, errorCode}]) inside an
// LDS-like error ({status, body: {message, output: {errors}}}) so the components read them as usual.
import { mountInfo } from './mount.js';

let base;
function dataUrl(path) {
  base = base || `/services/data/v${mountInfo().apiVersion}`;
  return base + path;
}

export class RestError extends Error {
  constructor(status, errors) {
    const message = errors.map((e) => e.message).join('; ') || `HTTP ${status}`;
    super(message);
    this.status = status;
    this.body = { message, output: { errors } };
  }
}

export async function rest(path, { method = 'GET', body } = {}) {
  const response = await fetch(dataUrl(path), {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const errors = Array.isArray(json) ? json : [{ message: (json && json.message) || text || response.statusText }];
    throw new RestError(response.status, errors);
  }
  return json;
}

/** Runs a SOQL query and follows nextRecordsUrl to the end. */
export async function query(soql) {
  let page = await rest(`/query?q=${encodeURIComponent(soql)}`);
  const records = [...page.records];
  while (!page.done && page.nextRecordsUrl) {
    // Pages are sequential by nature: each one names the next. nextRecordsUrl starts /services/data/vXX.X.
    // eslint-disable-next-line no-await-in-loop
    page = await rest(page.nextRecordsUrl.replace(/^\/services\/data\/v[\d.]+/, ''));
    records.push(...page.records);
  }
  return records;
}

export function soqlString(value) {
  return `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Record ids of this shape only, so an id can go into SOQL and URLs as is. */
export function assertId(id) {
  if (!/^[a-zA-Z0-9]{15,18}$/.test(String(id))) throw new Error(`not a record id: ${id}`);
  return id;
}
