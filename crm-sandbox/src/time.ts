// The two CRMs' date-time wire formats.

/** Salesforce: 2026-11-21T03:15:17.000+0000. */
export function sfDateTime(d: Date = new Date()): string {
  return d.toISOString().replace('Z', '+0000');
}

/** ServiceNow (UTC here): 2026-11-21 03:15:17. */
export function snDateTime(d: Date = new Date()): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
