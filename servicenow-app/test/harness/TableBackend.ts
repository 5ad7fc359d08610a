// Where a harness GlideRecord reads rows from (HttpTableBackend: a real Table API), and the
// encoded query it sends.
export type Operator = '=' | '!=' | 'STARTSWITH' | 'ENDSWITH' | 'CONTAINS' | 'DOES NOT CONTAIN' | 'IN';

export interface Condition {
  field: string;
  operator: Operator;
  value: string;
}

export interface Query {
  table: string;
  conditions: Condition[];
  orderBy: { field: string; descending: boolean }[];
  limit: number | null;
}

/** A row as the Table API returns it: every value a string. */
export type Row = Record<string, string>;

export interface TableBackend {
  tableExists(table: string): boolean;
  query(query: Query): Row[];
  get(table: string, sysId: string): Row | null;
}

export const OPERATORS: readonly Operator[] = [
  '=',
  '!=',
  'STARTSWITH',
  'ENDSWITH',
  'CONTAINS',
  'DOES NOT CONTAIN',
  'IN',
];

// GlideRecord's CONTAINS is LIKE in an encoded query.
const ENCODED: Record<Operator, string> = {
  '=': '=',
  '!=': '!=',
  STARTSWITH: 'STARTSWITH',
  ENDSWITH: 'ENDSWITH',
  CONTAINS: 'LIKE',
  'DOES NOT CONTAIN': 'NOT LIKE',
  IN: 'IN',
};

/** The encoded query (sysparm_query) for a GlideRecord query, as the platform builds it. */
export function encodeQuery(query: Pick<Query, 'conditions' | 'orderBy'>): string {
  const terms = query.conditions.map((c) => {
    if (/[\^\n]/.test(c.value))
      throw new Error(`a query value cannot contain ^ or a newline: ${JSON.stringify(c.value)}`);
    return `${c.field}${ENCODED[c.operator]}${c.value}`;
  });
  for (const o of query.orderBy) terms.push(`${o.descending ? 'ORDERBYDESC' : 'ORDERBY'}${o.field}`);
  return terms.join('^');
}
