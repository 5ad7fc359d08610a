// SOQL: parsed by soql-parser-js, evaluated here against the sandbox's records. Supports field lists,
// parent relationship paths (Who.Name, What.Type, Account.Owner.Name), FIELDS(), WHERE with
// = != <> < <= > >= LIKE IN NOT IN (values or a semi-join), AND/OR/NOT and parentheses, date literals
// TODAY/YESTERDAY/TOMORROW, ORDER BY with NULLS FIRST/LAST, LIMIT, OFFSET, COUNT() and COUNT(field).
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { normalizeSalesforceId } from '../ids.ts';
import type { Doc } from '../store.ts';
import { SalesforceError, invalidType } from './errors.ts';
import type { SalesforceData } from './SalesforceData.ts';
import { objectDef, type FieldDef, type ObjectDef } from './schema.ts';

export interface QueryOutput {
  totalSize: number;
  records: Doc[];
}

const malformed = (message: string) => new SalesforceError(400, 'MALFORMED_QUERY', message);

/** Loose views of soql-parser-js's output (its union types are wider than what is accepted here). */
interface PField {
  type: string;
  field?: string;
  relationships?: string[];
  functionName?: string;
  parameters?: unknown[];
  alias?: string;
  rawValue?: string;
}
interface PCondition {
  field?: string;
  fn?: unknown;
  operator: string;
  literalType?: string | string[];
  value?: string | string[];
  valueQuery?: PQuery;
  openParen?: number;
  closeParen?: number;
}
interface PWhere {
  left: PCondition | null;
  operator?: string;
  right?: PWhere;
}
interface POrder {
  field?: string;
  fn?: unknown;
  order?: string;
  nulls?: string;
}
interface PQuery {
  fields?: PField[];
  sObject?: string;
  where?: PWhere;
  orderBy?: POrder | POrder[];
  limit?: number;
  offset?: number;
  groupBy?: unknown;
  having?: unknown;
  sObjectRelationship?: unknown;
}

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | PCondition;
type Predicate = (r: Doc) => boolean;

export class SoqlEngine {
  readonly data: SalesforceData;

  constructor(data: SalesforceData) {
    this.data = data;
  }

  /** Runs a query as `userId`: the file rules below depend on who asks. */
  run(soql: string, includeDeleted: boolean, userId: string): QueryOutput {
    let parsed: PQuery;
    try {
      parsed = parseQuery(soql) as unknown as PQuery;
    } catch (err) {
      throw malformed(`unexpected token in query: ${(err as Error).message.split('\n')[0]}`);
    }
    return this.execute(parsed, includeDeleted, userId);
  }

  /** Column metadata for `query?q=...&columns=true`, which the sf CLI asks for to lay out results. */
  columns(soql: string): Doc {
    let q: PQuery;
    try {
      q = parseQuery(soql) as unknown as PQuery;
    } catch (err) {
      throw malformed(`unexpected token in query: ${(err as Error).message.split('\n')[0]}`);
    }
    const def = q.sObject ? objectDef(q.sObject) : undefined;
    if (!def) throw invalidType(q.sObject ?? '');
    const fields = q.fields ?? [];
    const counts = fields.filter(
      (f) => f.type === 'FieldFunctionExpression' && f.functionName?.toUpperCase() === 'COUNT',
    );
    const column = (
      name: string,
      display: string,
      f: FieldDef | undefined,
      joins: Doc[] = [],
      aggregate = false,
    ): Doc => ({
      aggregate,
      apexType: f ? (f.type === 'id' || f.type === 'reference' ? 'Id' : 'String') : null,
      booleanType: f?.type === 'boolean',
      columnName: name,
      custom: f?.custom ?? false,
      displayName: display,
      foreignKeyName: null,
      insertable: f?.createable ?? false,
      joinColumns: joins,
      numberType: f?.type === 'int' || f?.type === 'double',
      textType: !!f && !['boolean', 'int', 'double'].includes(f.type),
      updatable: f?.updateable ?? false,
    });
    let metadata: Doc[];
    if (counts.length) {
      metadata = counts
        .filter((c) => c.parameters?.length)
        .map((c) => column(c.alias ?? 'expr0', c.rawValue ?? 'COUNT()', undefined, [], true));
    } else {
      const build = (d: ObjectDef | undefined, paths: string[][], prefix: string): Doc[] => {
        const out: Doc[] = [];
        const groups = new Map<string, string[][]>();
        for (const p of paths) {
          if (p.length === 1) {
            const f = d?.byLowerName.get(p[0]!.toLowerCase());
            out.push(column(f?.name ?? p[0]!, `${prefix}${f?.name ?? p[0]!}`, f));
          } else {
            const key = p[0]!;
            if (!groups.has(key)) {
              groups.set(key, []);
              out.push({ __join: key });
            }
            groups.get(key)!.push(p.slice(1));
          }
        }
        return out.map((c) => {
          if (!('__join' in c)) return c;
          const key = String(c.__join);
          const ref = d?.relationships.get(key.toLowerCase());
          const name = ref?.relationshipName ?? key;
          const target = ref && ref.referenceTo.length === 1 ? objectDef(ref.referenceTo[0]!) : undefined;
          return column(name, `${prefix}${name}`, undefined, build(target, groups.get(key)!, `${prefix}${name}.`));
        });
      };
      metadata = build(def, this.selectPaths(def, fields), '');
    }
    return {
      columnMetadata: metadata,
      entityName: def.name,
      groupBy: false,
      idSelected: fields.some((f) => f.type === 'Field' && f.field?.toLowerCase() === 'id'),
      keyPrefix: def.keyPrefix,
    };
  }

  private execute(q: PQuery, includeDeleted: boolean, userId: string): QueryOutput {
    if (!q.sObject) throw malformed('unexpected token: FROM is missing an object');
    if (q.groupBy || q.having) throw malformed('GROUP BY and HAVING are not supported by this sandbox');
    const def = objectDef(q.sObject);
    if (!def) throw invalidType(q.sObject);
    const fileScope = fileRules(def.name, q.where);
    const fields = q.fields ?? [];
    const counts = fields.filter(
      (f) => f.type === 'FieldFunctionExpression' && f.functionName?.toUpperCase() === 'COUNT',
    );
    if (counts.length && counts.length !== fields.length) {
      throw malformed(
        'Field must be grouped or aggregated: COUNT() cannot be combined with other fields without GROUP BY',
      );
    }
    const paths = counts.length ? [] : this.selectPaths(def, fields);
    const predicate = q.where ? this.predicate(def, q.where, userId) : () => true;
    let rows = this.data.list(def.name, includeDeleted).filter(predicate);
    if (fileScope === 'owned') rows = rows.filter((r) => r.OwnerId === userId);
    const orderBy = q.orderBy === undefined ? [] : Array.isArray(q.orderBy) ? q.orderBy : [q.orderBy];
    if (orderBy.length) rows = this.sort(def, rows, orderBy);
    const offset = q.offset ?? 0;
    if (offset > 2000)
      throw new SalesforceError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is 2000`);
    rows = rows.slice(offset, q.limit === undefined ? undefined : offset + q.limit);
    if (counts.length) {
      const count = counts[0]!;
      if (!count.parameters?.length) return { totalSize: rows.length, records: [] };
      const name = count.alias ?? 'expr0';
      return { totalSize: 1, records: [{ attributes: { type: 'AggregateResult' }, [name]: rows.length }] };
    }
    return { totalSize: rows.length, records: rows.map((r) => this.project(def, r, paths)) };
  }

  /** The select list as resolved paths, validated against the schema. */
  private selectPaths(def: ObjectDef, fields: PField[]): string[][] {
    const out: string[][] = [];
    for (const f of fields) {
      if (f.type === 'Field' && f.field) out.push([f.field]);
      else if (f.type === 'FieldRelationship' && f.field && f.relationships) out.push([...f.relationships, f.field]);
      else if (f.type === 'FieldFunctionExpression' && f.functionName?.toUpperCase() === 'FIELDS') {
        const which = String(f.parameters?.[0] ?? '').toUpperCase();
        for (const d of def.fields) {
          if (d.type === 'base64') continue;
          if (which === 'ALL' || (which === 'CUSTOM') === d.custom) out.push([d.name]);
        }
      } else throw malformed(`unsupported select item: ${f.rawValue ?? f.type}`);
    }
    for (const p of out) this.checkPath(def, p);
    return out;
  }

  /** Throws INVALID_FIELD for a path the schema does not have. Returns the final field when known. */
  private checkPath(def: ObjectDef, path: string[]): FieldDef | undefined {
    let current: ObjectDef | undefined = def;
    for (let i = 0; i < path.length; i++) {
      const part = path[i]!;
      const last = i === path.length - 1;
      if (!current) return undefined; // behind a polymorphic relationship: any common name field
      if (last) {
        const f = current.byLowerName.get(part.toLowerCase());
        if (!f) throw noColumn(part, current.name);
        return f;
      }
      const ref = current.relationships.get(part.toLowerCase());
      if (!ref) {
        throw new SalesforceError(
          400,
          'INVALID_FIELD',
          `Didn't understand relationship '${part}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
        );
      }
      if (ref.referenceTo.length > 1) {
        const rest = path.slice(i + 1);
        if (rest.length !== 1 || !POLYMORPHIC_FIELDS.has(rest[0]!.toLowerCase()))
          throw noColumn(rest.join('.'), 'Name');
        return undefined;
      }
      current = objectDef(ref.referenceTo[0]!);
    }
    return undefined;
  }

  /** A path's value on a record: [value, the object the last segment lives on]. */
  private resolve(def: ObjectDef, record: Doc | undefined, path: string[]): unknown {
    let d: ObjectDef | undefined = def;
    let r: Doc | undefined = record;
    for (let i = 0; i < path.length; i++) {
      if (!d || !r) return null;
      const part = path[i]!.toLowerCase();
      if (i === path.length - 1) {
        if (part === 'type' && !d.byLowerName.has('type')) return d.name;
        const f = d.byLowerName.get(part);
        return f ? (r[f.name] ?? null) : null;
      }
      const ref: FieldDef | undefined = d.relationships.get(part);
      const target: { def: ObjectDef; record: Doc } | undefined =
        ref && r[ref.name] ? this.data.find(String(r[ref.name])) : undefined;
      d = target?.def;
      r = target?.record;
    }
    return null;
  }

  private project(def: ObjectDef, record: Doc, paths: string[][]): Doc {
    const out: Doc = { attributes: attributes(def.name, String(record.Id)) };
    for (const path of paths) this.place(def, record, path, out);
    return out;
  }

  /** Writes one path into the output, nesting relationship objects as Salesforce does. */
  private place(def: ObjectDef, record: Doc, path: string[], out: Doc): void {
    const head = path[0]!;
    if (path.length === 1) {
      if (head.toLowerCase() === 'type' && !def.byLowerName.has('type')) {
        out.Type = def.name;
        return;
      }
      const f = def.byLowerName.get(head.toLowerCase());
      const name = f?.name ?? head;
      out[name] = f ? (record[f.name] ?? null) : null;
      return;
    }
    const ref = def.relationships.get(head.toLowerCase())!;
    const key = ref.relationshipName!;
    const target = record[ref.name] ? this.data.find(String(record[ref.name])) : undefined;
    if (!target) {
      out[key] = null;
      return;
    }
    const existing = out[key] as Doc | null | undefined;
    const child: Doc = existing ?? { attributes: attributes(target.def.name, String(target.record.Id)) };
    out[key] = child;
    this.place(target.def, target.record, path.slice(1), child);
  }

  private sort(def: ObjectDef, rows: Doc[], orderBy: POrder[]): Doc[] {
    const keys = orderBy.map((o) => {
      if (!o.field) throw malformed('ORDER BY supports fields only');
      const path = o.field.split('.');
      const f = this.checkPath(def, path);
      const desc = o.order?.toUpperCase() === 'DESC';
      const nullsLast = o.nulls ? o.nulls.toUpperCase() === 'LAST' : desc;
      return { path, f, desc, nullsLast };
    });
    return [...rows].sort((a, b) => {
      for (const k of keys) {
        const va = comparable(this.resolve(def, a, k.path), k.f);
        const vb = comparable(this.resolve(def, b, k.path), k.f);
        if (va === vb || (va === undefined && vb === undefined)) continue;
        if (va === null) return k.nullsLast ? 1 : -1;
        if (vb === null) return k.nullsLast ? -1 : 1;
        const c = (va as number) < (vb as number) ? -1 : 1;
        return k.desc ? -c : c;
      }
      return 0;
    });
  }

  /** Builds a predicate honouring NOT > AND > OR precedence and the parser's parenthesis counts. */
  private predicate(def: ObjectDef, where: PWhere, userId: string): Predicate {
    const tokens: Token[] = [];
    const walk = (w: PWhere | undefined) => {
      if (!w) return;
      if (w.left) {
        for (let i = 0; i < (w.left.openParen ?? 0); i++) tokens.push('(');
        tokens.push(w.left);
        for (let i = 0; i < (w.left.closeParen ?? 0); i++) tokens.push(')');
      } else if (w.operator?.toUpperCase() === 'NOT') {
        tokens.push('NOT');
        walk(w.right);
        return;
      }
      if (w.operator) tokens.push(w.operator.toUpperCase() as Token);
      walk(w.right);
    };
    walk(where);
    let pos = 0;
    const peek = () => tokens[pos];
    const or = (): Predicate => {
      const parts = [and()];
      while (peek() === 'OR') {
        pos++;
        parts.push(and());
      }
      return parts.length === 1 ? parts[0]! : (r) => parts.some((p) => p(r));
    };
    const and = (): Predicate => {
      const parts = [not()];
      while (peek() === 'AND') {
        pos++;
        parts.push(not());
      }
      return parts.length === 1 ? parts[0]! : (r) => parts.every((p) => p(r));
    };
    const not = (): Predicate => {
      const t = tokens[pos++];
      if (t === 'NOT') {
        const inner = not();
        return (r) => !inner(r);
      }
      if (t === '(') {
        const inner = or();
        if (tokens[pos++] !== ')') throw malformed('unbalanced parentheses in WHERE');
        return inner;
      }
      if (t === undefined || typeof t === 'string') throw malformed('unexpected token in WHERE');
      return this.condition(def, t, userId);
    };
    const out = or();
    if (pos !== tokens.length) throw malformed('unexpected token in WHERE');
    return out;
  }

  private condition(def: ObjectDef, c: PCondition, userId: string): Predicate {
    if (!c.field || c.fn) throw malformed('functions in WHERE are not supported by this sandbox');
    const path = c.field.split('.');
    const f = this.checkPath(def, path);
    const op = c.operator.toUpperCase();
    const get = (r: Doc) => comparable(this.resolve(def, r, path), f);
    if (op === 'IN' || op === 'NOT IN') {
      const set = new Set<unknown>(
        c.literalType === 'SUBQUERY' && c.valueQuery
          ? this.semiJoin(c.valueQuery, userId)
          : (Array.isArray(c.value) ? c.value : [c.value]).map((v, i) => literal(v, typeAt(c.literalType, i), f)),
      );
      return op === 'IN' ? (r) => set.has(get(r)) : (r) => !set.has(get(r));
    }
    if (op === 'LIKE') {
      if (typeof c.value !== 'string' || typeAt(c.literalType, 0) !== 'STRING')
        throw malformed('LIKE needs a string literal');
      const re = likeRegex(c.value);
      return (r) => {
        const v = this.resolve(def, r, path);
        return typeof v === 'string' && re.test(v);
      };
    }
    const type = typeAt(c.literalType, 0);
    if (type === 'DATE_LITERAL') return this.dateLiteral(get, f, op, String(c.value));
    if (Array.isArray(c.value)) throw malformed(`operator ${op} takes a single value`);
    const lit = literal(c.value, type, f);
    const cmp = COMPARE[op];
    if (!cmp) throw malformed(`unsupported operator ${op}`);
    return (r) => cmp(get(r), lit);
  }

  private semiJoin(sub: PQuery, userId: string): unknown[] {
    const out = this.execute(sub, false, userId);
    return out.records.map((r) => {
      const key = Object.keys(r).find((k) => k !== 'attributes');
      const v = key ? r[key] : null;
      return typeof v === 'string' ? v.toLowerCase() : v;
    });
  }

  private dateLiteral(get: (r: Doc) => unknown, f: FieldDef | undefined, op: string, name: string): Predicate {
    const offsets: Record<string, number> = { TODAY: 0, YESTERDAY: -1, TOMORROW: 1 };
    const off = offsets[name.toUpperCase()];
    if (off === undefined) throw malformed(`date literal ${name} is not supported by this sandbox`);
    const day = new Date(Date.now() + off * 86_400_000).toISOString().slice(0, 10);
    const start = Date.parse(`${day}T00:00:00Z`);
    const end = start + 86_400_000;
    const dayOf = (v: unknown) =>
      v === null ? null : f?.type === 'datetime' ? Number(v) : Date.parse(`${String(v)}T00:00:00Z`);
    const ops: Record<string, (v: number) => boolean> = {
      '=': (v) => v >= start && v < end,
      '!=': (v) => v < start || v >= end,
      '<>': (v) => v < start || v >= end,
      '<': (v) => v < start,
      '<=': (v) => v < end,
      '>': (v) => v >= end,
      '>=': (v) => v >= start,
    };
    const test = ops[op];
    if (!test) throw malformed(`unsupported operator ${op}`);
    return (r) => {
      const v = dayOf(get(r));
      return v !== null && test(v);
    };
  }
}

const POLYMORPHIC_FIELDS = new Set([
  'id',
  'name',
  'type',
  'email',
  'firstname',
  'lastname',
  'title',
  'phone',
  'alias',
  'isactive',
  'username',
]);

const noColumn = (field: string, entity: string) =>
  new SalesforceError(
    400,
    'INVALID_FIELD',
    `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

export function attributes(type: string, id: string): Doc {
  return { type, url: `/services/data/v62.0/sobjects/${type}/${id}` };
}

function typeAt(t: string | string[] | undefined, i: number): string {
  return (Array.isArray(t) ? (t[i] ?? t[0]) : t) ?? 'STRING';
}

/** Values made comparable: strings case-insensitively, datetimes as epoch ms. */
function comparable(v: unknown, f: FieldDef | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (f?.type === 'datetime' && typeof v === 'string') return Date.parse(v);
  if (typeof v === 'string') return v.toLowerCase();
  return v;
}

function unquote(s: string): string {
  if (!/^'.*'$/s.test(s)) throw malformed(`expected a quoted string, got ${s}`);
  return s.slice(1, -1).replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' })[c] ?? c);
}

function literal(raw: string | undefined, type: string, f: FieldDef | undefined): unknown {
  const s = String(raw ?? '');
  switch (type) {
    case 'STRING': {
      const v = unquote(s);
      if (f?.type === 'datetime') return Date.parse(v);
      if (f?.type === 'id' || f?.type === 'reference') {
        const id = normalizeSalesforceId(v);
        if (!id && v !== '') throw new SalesforceError(400, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${v}`);
        return (id ?? v).toLowerCase();
      }
      return v.toLowerCase();
    }
    case 'INTEGER':
    case 'DECIMAL':
    case 'INTEGER_WITH_CURRENCY_PREFIX':
    case 'DECIMAL_WITH_CURRENCY_PREFIX':
      return Number(s.replace(/^[A-Z]{3}/, ''));
    case 'BOOLEAN':
      return s.toUpperCase() === 'TRUE';
    case 'NULL':
      return null;
    case 'DATE':
      return f?.type === 'datetime' ? Date.parse(`${s}T00:00:00Z`) : s;
    case 'DATETIME':
      return Date.parse(s);
    default:
      throw malformed(`unsupported literal ${s}`);
  }
}

const COMPARE: Record<string, (a: unknown, b: unknown) => boolean> = {
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<>': (a, b) => a !== b,
  '<': (a, b) => a !== null && b !== null && (a as number) < (b as number),
  '<=': (a, b) => a !== null && b !== null && (a as number) <= (b as number),
  '>': (a, b) => a !== null && b !== null && (a as number) > (b as number),
  '>=': (a, b) => a !== null && b !== null && (a as number) >= (b as number),
};

/** LIKE pattern to a case-insensitive regex: % any run, _ one char, backslash escapes. */
function likeRegex(quoted: string): RegExp {
  const body = quoted.slice(1, -1);
  let re = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) re += escapeRe(body[++i]!);
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, 'is');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every condition of a WHERE clause, whatever joins them. */
function conditions(where: PWhere | undefined): PCondition[] {
  const out: PCondition[] = [];
  for (let w = where; w; w = w.right) if (w.left) out.push(w.left);
  return out;
}

/** True when the WHERE clause filters `fields` by `=` or `IN` (values or a semi-join). */
function filtersBy(where: PWhere | undefined, fields: string[]): boolean {
  return conditions(where).some(
    (c) => !!c.field && fields.includes(c.field.toLowerCase()) && ['=', 'IN'].includes(c.operator.toUpperCase()),
  );
}

/**
 * Salesforce's rules for files (object reference, ContentVersion and ContentDocumentLink): a query on
 * ContentDocument or ContentVersion that names no Id returns only the files the user owns, not those
 * they reach through a record share; ContentDocumentLink must be filtered by one of its two ids.
 */
function fileRules(type: string, where: PWhere | undefined): 'owned' | 'all' {
  if (type === 'ContentDocumentLink' && !filtersBy(where, ['contentdocumentid', 'linkedentityid'])) {
    throw malformed(
      "Implementation restriction: ContentDocumentLink requires a filter by a single Id on ContentDocumentId or LinkedEntityId using the equals operator or multiple Id's using the IN operator.",
    );
  }
  if (type === 'ContentVersion') return filtersBy(where, ['id', 'contentdocumentid']) ? 'all' : 'owned';
  if (type === 'ContentDocument') return filtersBy(where, ['id']) ? 'all' : 'owned';
  return 'all';
}
