// SOQL literals built from user input: quoted strings and datetimes, never concatenated raw.
import { SfError } from '@salesforce/core';

/** A SOQL string literal: backslash and single quote escaped, as the SOQL reference requires. */
export const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export const quoteList = (values: readonly string[]): string => values.map(quote).join(', ');

/** `--since 2026-11-30` or a full ISO timestamp, as the unquoted SOQL dateTime literal. */
export function soqlDateTime(input: string): string {
  const trimmed = input.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? new Date(`${trimmed}T00:00:00Z`) : new Date(trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(date.getTime())) {
    throw new SfError(`"${input}" is not a date; use YYYY-MM-DD or an ISO 8601 timestamp.`, 'InvalidDate');
  }
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** SOQL `IN (...)` takes a bounded list: split long id lists into chunks of this size. */
export function chunks<T>(items: readonly T[], size = 200): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
