// ServiceNow encoded queries: conditions joined by ^ (AND) and ^OR (binds tighter than AND), query
// blocks joined by ^NQ, ORDERBY/ORDERBYDESC, dot-walked fields and javascript:gs.getUserID().
import type { Doc } from '../store.ts';

export interface CompiledQuery {
  matches(record: Doc): boolean;
  orderBy: Array<{ field: string; desc: boolean }>;
  /** Field names the query uses that the table does not have: ServiceNow then returns no rows. */
  invalid: boolean;
}

const OPERATORS = [
  'NOT LIKE',
  'NOT IN',
  'ISNOTEMPTY',
  'ISEMPTY',
  'STARTSWITH',
  'ENDSWITH',
  'LIKE',
  'IN',
  '!=',
  '>=',
  '<=',
  '=',
  '>',
  '<',
];

export interface QueryEnv {
  /** A (possibly dot-walked) field's raw value, or undefined when the field does not exist. */
  value(record: Doc, path: string): string | undefined;
  hasField(path: string): boolean;
  userId: string;
}

type Cond = (r: Doc) => boolean;

export function compileEncodedQuery(query: string, env: QueryEnv): CompiledQuery {
  const orderBy: CompiledQuery['orderBy'] = [];
  let invalid = false;
  const blocks = query.split('^NQ').map((block) => {
    const groups: Cond[][] = [];
    for (const rawTerm of block.split('^')) {
      const term = rawTerm.trim();
      if (!term || term === 'EQ') continue;
      if (term.startsWith('ORDERBYDESC')) {
        orderBy.push({ field: term.slice(11), desc: true });
        continue;
      }
      if (term.startsWith('ORDERBY')) {
        orderBy.push({ field: term.slice(7), desc: false });
        continue;
      }
      const isOr = term.startsWith('OR') && groups.length > 0 && !env.hasField(/^[\w.]+/.exec(term)?.[0] ?? '');
      const cond = condition(isOr ? term.slice(2) : term, env, () => (invalid = true));
      if (isOr) groups[groups.length - 1]!.push(cond);
      else groups.push([cond]);
    }
    return (r: Doc) => groups.every((g) => g.some((c) => c(r)));
  });
  for (const o of orderBy) if (!env.hasField(o.field)) invalid = true;
  return { matches: (r) => blocks.some((b) => b(r)), orderBy, invalid };
}

function condition(term: string, env: QueryEnv, markInvalid: () => void): Cond {
  const field = /^[a-z0-9_.]+/.exec(term)?.[0] ?? '';
  const rest = term.slice(field.length);
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!field || !op || !env.hasField(field)) {
    markInvalid();
    return () => false;
  }
  let value = rest.slice(op.length);
  if (value === 'javascript:gs.getUserID()') value = env.userId;
  else if (value.startsWith('javascript:')) {
    markInvalid();
    return () => false;
  }
  const get = (r: Doc) => env.value(r, field) ?? '';
  const lower = value.toLowerCase();
  const list = value.split(',').map((v) => v.trim());
  const num = (s: string) => (s !== '' && !Number.isNaN(Number(s)) ? Number(s) : s);
  const cmp = (a: string, b: string) => {
    const x = num(a);
    const y = num(b);
    return typeof x === 'number' && typeof y === 'number' ? x - y : a < b ? -1 : a > b ? 1 : 0;
  };
  switch (op) {
    case '=':
      return (r) => get(r) === value;
    case '!=':
      return (r) => get(r) !== value;
    case 'LIKE':
      return (r) => get(r).toLowerCase().includes(lower);
    case 'NOT LIKE':
      return (r) => !get(r).toLowerCase().includes(lower);
    case 'STARTSWITH':
      return (r) => get(r).toLowerCase().startsWith(lower);
    case 'ENDSWITH':
      return (r) => get(r).toLowerCase().endsWith(lower);
    case 'IN':
      return (r) => list.includes(get(r));
    case 'NOT IN':
      return (r) => !list.includes(get(r));
    case 'ISEMPTY':
      return (r) => get(r) === '';
    case 'ISNOTEMPTY':
      return (r) => get(r) !== '';
    case '>':
      return (r) => get(r) !== '' && cmp(get(r), value) > 0;
    case '>=':
      return (r) => get(r) !== '' && cmp(get(r), value) >= 0;
    case '<':
      return (r) => get(r) !== '' && cmp(get(r), value) < 0;
    default:
      return (r) => get(r) !== '' && cmp(get(r), value) <= 0;
  }
}
