// Salesforce-style record ids (15-char case-sensitive + 3-char case-insensitive checksum) and
// ServiceNow sys_ids (32 lowercase hex).
import { randomBytes } from 'node:crypto';

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The 3-character suffix Salesforce appends so ids survive case-insensitive systems. */
function checksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i]!;
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    out += CHECKSUM_ALPHABET[bits];
  }
  return out;
}

/** A deterministic 18-char id: key prefix, the sandbox's pod "Sl", then `n` in base 62. */
export function salesforceId(prefix: string, n: number): string {
  let digits = '';
  let rest = n;
  do {
    digits = BASE62[rest % 62] + digits;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  const id15 = `${prefix}Sl${digits.padStart(10, '0')}`;
  return id15 + checksum(id15);
}

/** Accepts a 15- or 18-char id and returns its 18-char form, or undefined when it is not an id. */
export function normalizeSalesforceId(id: string): string | undefined {
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(id)) return undefined;
  const id15 = id.slice(0, 15);
  return id15 + checksum(id15);
}

export function newSysId(): string {
  return randomBytes(16).toString('hex');
}

/** A deterministic sys_id for seed records, so tests and the README can name them. */
export function seedSysId(kind: string, n: number): string {
  return `${kind.padEnd(8, '0').slice(0, 8)}${n.toString(16).padStart(24, '0')}`;
}
