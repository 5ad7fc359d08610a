// The ServiceNow tables the sandbox knows. Every stored value is a string, as on the wire.
export type ColumnType = 'string' | 'reference' | 'journal' | 'boolean' | 'integer' | 'glide_date_time';

export interface Column {
  type: ColumnType;
  reference?: string;
  /** Read-only columns the instance maintains itself. */
  readOnly?: boolean;
}

export interface TableDef {
  name: string;
  label: string;
  columns: Record<string, Column>;
  /** The column shown as the record's display value (reference display_value). */
  display: string;
  /** Custom (scoped app) tables accept any column. */
  open: boolean;
}

const SYS: Record<string, Column> = {
  sys_id: { type: 'string', readOnly: true },
  sys_created_on: { type: 'glide_date_time', readOnly: true },
  sys_created_by: { type: 'string', readOnly: true },
  sys_updated_on: { type: 'glide_date_time', readOnly: true },
  sys_updated_by: { type: 'string', readOnly: true },
  sys_mod_count: { type: 'integer', readOnly: true },
  sys_class_name: { type: 'string', readOnly: true },
};

const s = (): Column => ({ type: 'string' });
const user = (): Column => ({ type: 'reference', reference: 'sys_user' });

const TABLES: TableDef[] = [
  {
    name: 'sys_user',
    label: 'User',
    display: 'name',
    open: false,
    columns: {
      user_name: s(),
      first_name: s(),
      last_name: s(),
      name: s(),
      email: s(),
      title: s(),
      active: { type: 'boolean' },
      roles: s(),
    },
  },
  {
    name: 'incident',
    label: 'Incident',
    display: 'number',
    open: false,
    columns: {
      number: { type: 'string', readOnly: true },
      short_description: s(),
      description: s(),
      caller_id: user(),
      assigned_to: user(),
      opened_by: user(),
      state: s(),
      priority: s(),
      urgency: s(),
      impact: s(),
      category: s(),
      active: { type: 'boolean' },
      opened_at: { type: 'glide_date_time' },
      closed_at: { type: 'glide_date_time' },
      work_notes: { type: 'journal' },
      comments: { type: 'journal' },
    },
  },
  {
    name: 'sys_journal_field',
    label: 'Journal Entry',
    display: 'value',
    open: false,
    columns: { element: s(), element_id: s(), name: s(), value: s() },
  },
  {
    name: 'sys_attachment',
    label: 'Attachment',
    display: 'file_name',
    open: false,
    columns: {
      file_name: s(),
      content_type: s(),
      size_bytes: { type: 'integer' },
      size_compressed: { type: 'integer' },
      table_name: s(),
      table_sys_id: s(),
      hash: s(),
      compressed: { type: 'boolean' },
      state: s(),
    },
  },
  {
    name: 'sys_email',
    label: 'Email',
    display: 'subject',
    open: false,
    columns: {
      recipients: s(),
      copied: s(),
      subject: s(),
      body: s(),
      body_text: s(),
      type: s(),
      instance: s(),
      target_table: s(),
      content_type: s(),
      user: user(),
      state: s(),
    },
  },
  // Roles and who holds them (an inherited row for every role a held role contains, as the instance
  // keeps them). Readable through the Table API; only a user administrator changes them (ROLE_TABLES).
  {
    name: 'sys_user_role',
    label: 'Role',
    display: 'name',
    open: false,
    columns: {
      name: { type: 'string', readOnly: true },
      description: { type: 'string', readOnly: true },
      suffix: { type: 'string', readOnly: true },
      contains_roles: { type: 'string', readOnly: true },
    },
  },
  {
    name: 'sys_user_has_role',
    label: 'User Role',
    display: 'role',
    open: false,
    columns: {
      user: { type: 'reference', reference: 'sys_user', readOnly: true },
      role: { type: 'reference', reference: 'sys_user_role', readOnly: true },
      state: { type: 'string', readOnly: true },
      inherited: { type: 'boolean', readOnly: true },
    },
  },
  {
    name: 'sys_user_group',
    label: 'Group',
    display: 'name',
    open: false,
    columns: {
      name: { type: 'string', readOnly: true },
      manager: { type: 'reference', reference: 'sys_user', readOnly: true },
      active: { type: 'boolean', readOnly: true },
    },
  },
  {
    name: 'sys_user_grmember',
    label: 'Group Member',
    display: 'user',
    open: false,
    columns: {
      group: { type: 'reference', reference: 'sys_user_group', readOnly: true },
      user: { type: 'reference', reference: 'sys_user', readOnly: true },
    },
  },
];

/** Role tables: the ACLs let only a user administrator write them, never the relay's agents. */
export const ROLE_TABLES: ReadonlySet<string> = new Set([
  'sys_user_role',
  'sys_user_has_role',
  'sys_user_group',
  'sys_user_grmember',
]);

const KNOWN = new Map(TABLES.map((t) => [t.name, t]));

/** A known table, or a scoped app's own table (x_<vendor>_<app>_...), which accepts any column. */
export function tableDef(name: string): TableDef | undefined {
  const known = KNOWN.get(name);
  if (known) return { ...known, columns: { ...SYS, ...known.columns } };
  if (/^x_[a-z0-9]+_[a-z0-9_]+$/.test(name))
    return { name, label: name, display: 'sys_id', open: true, columns: { ...SYS } };
  return undefined;
}
