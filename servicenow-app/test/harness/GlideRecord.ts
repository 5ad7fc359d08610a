// The part of the platform's GlideRecord the widget's server script uses, over a TableBackend.
// GlideRecordSecure is the same class here: the Table API already answers as the signed-in user.
import { OPERATORS, type Condition, type Operator, type Query, type Row, type TableBackend } from './TableBackend.ts';

export type GlideRecordClass = new (table: string) => GlideRecordLike;

export interface GlideRecordLike {
  addQuery(field: string, operatorOrValue: unknown, value?: unknown): void;
  orderBy(field: string): void;
  orderByDesc(field: string): void;
  setLimit(limit: number): void;
  query(): void;
  next(): boolean;
  hasNext(): boolean;
  get(idOrField: string, value?: string): boolean;
  getValue(field: string): string | null;
  getDisplayValue(field?: string): string;
  getUniqueValue(): string;
  getTableName(): string;
  getRowCount(): number;
  isValid(): boolean;
  isValidRecord(): boolean;
}

const FIELD = /^[a-z_][a-z0-9_.]*$/;

export function glideRecordClass(backend: TableBackend): GlideRecordClass {
  return class GlideRecord implements GlideRecordLike {
    readonly #table: string;
    readonly #conditions: Condition[] = [];
    readonly #orderBy: Query['orderBy'] = [];
    #limit: number | null = null;
    #rows: Row[] = [];
    #index = -1;

    constructor(table: string) {
      this.#table = String(table);
    }

    addQuery(field: string, operatorOrValue: unknown, value?: unknown): void {
      const [operator, v] = arguments.length === 2 ? ['=', operatorOrValue] : [String(operatorOrValue), value];
      if (!FIELD.test(String(field))) throw new Error(`GlideRecord.addQuery: bad field name ${JSON.stringify(field)}`);
      if (!OPERATORS.includes(operator as Operator))
        throw new Error(`GlideRecord.addQuery: unsupported operator ${operator}`);
      this.#conditions.push({ field: String(field), operator: operator as Operator, value: String(v ?? '') });
    }

    orderBy(field: string): void {
      this.#orderBy.push({ field: String(field), descending: false });
    }

    orderByDesc(field: string): void {
      this.#orderBy.push({ field: String(field), descending: true });
    }

    setLimit(limit: number): void {
      this.#limit = Math.max(0, Math.floor(Number(limit)));
    }

    query(): void {
      this.#rows = backend.query({
        table: this.#table,
        conditions: this.#conditions,
        orderBy: this.#orderBy,
        limit: this.#limit,
      });
      this.#index = -1;
    }

    next(): boolean {
      if (this.#index + 1 >= this.#rows.length) return false;
      this.#index++;
      return true;
    }

    hasNext(): boolean {
      return this.#index + 1 < this.#rows.length;
    }

    get(idOrField: string, value?: string): boolean {
      let row: Row | null;
      if (arguments.length >= 2) {
        this.#conditions.length = 0;
        this.addQuery(idOrField, value);
        this.setLimit(1);
        row = backend.query({ table: this.#table, conditions: this.#conditions, orderBy: [], limit: 1 })[0] ?? null;
      } else {
        // The platform answers false (never throws) for a malformed or empty sys_id.
        row = /^[0-9a-f]{32}$/.test(String(idOrField)) ? backend.get(this.#table, String(idOrField)) : null;
      }
      this.#rows = row ? [row] : [];
      this.#index = row ? 0 : -1;
      return row !== null;
    }

    getValue(field: string): string | null {
      const v = this.#current()[field];
      return v === undefined || v === '' ? null : v;
    }

    getDisplayValue(field?: string): string {
      return (field ? this.getValue(field) : this.getValue('number')) ?? '';
    }

    getUniqueValue(): string {
      return this.#current().sys_id ?? '';
    }

    getTableName(): string {
      return this.#table;
    }

    getRowCount(): number {
      return this.#rows.length;
    }

    isValid(): boolean {
      return backend.tableExists(this.#table);
    }

    isValidRecord(): boolean {
      return this.#index >= 0 && this.#index < this.#rows.length;
    }

    #current(): Row {
      if (!this.isValidRecord())
        throw new Error(`GlideRecord(${this.#table}): no current record (call next() or get())`);
      return this.#rows[this.#index]!;
    }
  };
}
