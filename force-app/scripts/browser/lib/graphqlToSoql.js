// Answers UI API GraphQL record queries (uiapi { query { Object(where, orderBy, first) { edges {
// node { ... } } } } }) by translating each object to one SOQL query against the sandbox's REST
// API and shaping the rows as GraphQL returns them ({value} leaves, nested parents). It covers the
// query shapes Sightline uses: and / or / not, eq ne in nin like lt gt lte gte, orderBy and first.
import { assertId, query, soqlString } from './sandboxRest.js';

const TOKEN = /\$?[A-Za-z_]\w*|-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|[{}()[\]:!,=]/g;

function parseDocument(text) {
  const tokens = text.match(TOKEN) || [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t) => {
    if (next() !== t) throw new Error(`GraphQL: expected ${t} near token ${i}`);
  };
  function value() {
    const t = next();
    if (t === '{') {
      const obj = {};
      while (peek() !== '}') {
        const key = next();
        expect(':');
        obj[key] = value();
        if (peek() === ',') next();
      }
      next();
      return obj;
    }
    if (t === '[') {
      const arr = [];
      while (peek() !== ']') {
        arr.push(value());
        if (peek() === ',') next();
      }
      next();
      return arr;
    }
    if (t.startsWith('$')) return { $var: t.slice(1) };
    if (t.startsWith('"')) return JSON.parse(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (/^-?\d/.test(t)) return Number(t);
    return { $enum: t };
  }
  function selections() {
    expect('{');
    const out = [];
    while (peek() !== '}') {
      const name = next();
      let args = {};
      if (peek() === '(') {
        next();
        while (peek() !== ')') {
          const key = next();
          expect(':');
          args[key] = value();
          if (peek() === ',') next();
        }
        next();
      }
      out.push({ name, args, children: peek() === '{' ? selections() : null });
    }
    next();
    return out;
  }
  // Skip "query name($a: T, ...)" up to the first selection set.
  while (i < tokens.length && peek() !== '{') next();
  return selections();
}

function resolveVars(v, vars) {
  if (v && typeof v === 'object' && '$var' in v) return vars[v.$var];
  if (Array.isArray(v)) return v.map((x) => resolveVars(x, vars));
  if (v && typeof v === 'object' && !('$enum' in v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveVars(x, vars)]));
  }
  return v;
}

const OPS = { eq: '=', ne: '!=', lt: '<', gt: '>', lte: '<=', gte: '>=', like: 'LIKE' };
const FIELD = /^[A-Za-z]\w*$/;

function literal(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (v && v.$enum) return v.$enum;
  return soqlString(v);
}

function condition(filter) {
  const parts = [];
  for (const [key, spec] of Object.entries(filter || {})) {
    if (key === 'and' || key === 'or') {
      const inner = spec.map(condition).filter(Boolean);
      if (inner.length) parts.push(`(${inner.join(key === 'and' ? ' AND ' : ' OR ')})`);
    } else if (key === 'not') {
      parts.push(`(NOT ${condition(spec)})`);
    } else {
      if (!FIELD.test(key)) throw new Error(`GraphQL: bad field ${key}`);
      for (const [op, v] of Object.entries(spec)) {
        if (op === 'in' || op === 'nin') {
          const list = (v || []).filter((x) => x !== null && x !== undefined);
          // An empty list matches nothing (SOQL has no empty IN).
          if (list.length === 0) parts.push(op === 'in' ? 'Id = null' : 'Id != null');
          else parts.push(`${key} ${op === 'in' ? 'IN' : 'NOT IN'} (${list.map(literal).join(', ')})`);
        } else if (OPS[op]) {
          parts.push(`${key} ${OPS[op]} ${literal(v)}`);
        } else throw new Error(`GraphQL: operator ${op} is not supported here`);
      }
    }
  }
  return parts.join(' AND ');
}

function fieldPaths(selection, prefix = '') {
  const leaf = !selection.children || selection.children.every((c) => c.name === 'value' || c.name === 'displayValue');
  if (leaf) return [prefix + selection.name];
  return selection.children.flatMap((c) => fieldPaths(c, `${prefix}${selection.name}.`));
}

function shapeNode(record, selections) {
  const node = {};
  for (const s of selections) {
    const raw = record ? record[s.name] : null;
    if (!s.children) node[s.name] = raw === undefined ? null : raw;
    else if (s.children.every((c) => c.name === 'value' || c.name === 'displayValue'))
      node[s.name] = { value: raw === undefined ? null : raw, displayValue: null };
    else node[s.name] = raw ? shapeNode(raw, s.children) : null;
  }
  return node;
}

export function toSoql(objectSelection, vars) {
  const { name, args } = objectSelection;
  if (!FIELD.test(name)) throw new Error(`GraphQL: bad object ${name}`);
  const a = resolveVars(args, vars);
  const node = objectSelection.children?.find((c) => c.name === 'edges')?.children?.find((c) => c.name === 'node');
  if (!node) throw new Error(`GraphQL: ${name} selects no edges { node { ... } }`);
  const fields = [...new Set(['Id', ...node.children.flatMap((s) => fieldPaths(s))])];
  let soql = `SELECT ${fields.join(', ')} FROM ${name}`;
  const where = condition(a.where);
  if (where) soql += ` WHERE ${where}`;
  if (a.orderBy) {
    const order = Object.entries(a.orderBy).map(([f, o]) => {
      if (!FIELD.test(f)) throw new Error(`GraphQL: bad order field ${f}`);
      return `${f} ${o && o.order && o.order.$enum === 'DESC' ? 'DESC' : 'ASC'}`;
    });
    soql += ` ORDER BY ${order.join(', ')}`;
  }
  soql += ` LIMIT ${Math.min(Number(a.first) || 10, 2000)}`;
  return { soql, node };
}

/** The SOQL each object of a query becomes (for tests and debugging). */
export function soqlFor(text, vars = {}) {
  const root = parseDocument(text);
  const objects = root.find((s) => s.name === 'uiapi')?.children?.find((s) => s.name === 'query')?.children || [];
  return objects.map((o) => toSoql(o, vars).soql);
}

/** Resolves to {data, errors} as the lightning/graphql wire delivers it. */
export async function runGraphQL(text, vars = {}) {
  for (const [k, v] of Object.entries(vars)) {
    if (k.toLowerCase().endsWith('id') && v) assertId(v);
  }
  const root = parseDocument(text);
  const objects = root.find((s) => s.name === 'uiapi')?.children?.find((s) => s.name === 'query')?.children;
  if (!objects) throw new Error('GraphQL: only uiapi { query { ... } } is supported');
  try {
    const results = await Promise.all(
      objects.map(async (o) => {
        const { soql, node } = toSoql(o, vars);
        const records = await query(soql);
        return [o.name, { edges: records.map((r) => ({ node: shapeNode(r, node.children) })) }];
      }),
    );
    return { data: { uiapi: { query: Object.fromEntries(results) } }, errors: undefined };
  } catch (e) {
    return { data: undefined, errors: [{ message: e.message }] };
  }
}
