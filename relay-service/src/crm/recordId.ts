// One canonical form per CRM record id, so the same record named two ways is one record to the
// relay: Salesforce's 18-character id, ServiceNow's lower-case sys_id.
import type { Crm } from '../auth/identity.ts';
import { normalizeSalesforceId } from './salesforceId.ts';

export function normalizeRecordId(crm: Crm, id: string): string | null {
  if (crm === 'salesforce') return normalizeSalesforceId(id);
  const sysId = id.toLowerCase();
  return /^[0-9a-f]{32}$/.test(sysId) ? sysId : null;
}
