// A failed CRM call, classified once at the adapter boundary so the rest of the relay only asks
// "may this succeed if retried?".
export type CrmErrorKind =
  | 'not_found' // the record is gone or never existed
  | 'forbidden' // the agent may not read or write it
  | 'revoked' // the agent's refresh token no longer works (invalid_grant)
  | 'invalid' // the CRM rejected the data; retrying the same write cannot help
  | 'transient'; // 5xx, network, rate limit: try again later

export class CrmError extends Error {
  readonly kind: CrmErrorKind;
  readonly code: string;

  constructor(kind: CrmErrorKind, code: string, message: string) {
    super(message);
    this.name = 'CrmError';
    this.kind = kind;
    this.code = code;
  }

  get permanent(): boolean {
    return this.kind !== 'transient';
  }
}

/** Salesforce errorCodes and HTTP statuses that no retry will fix. */
const PERMANENT_CODES: Record<string, CrmErrorKind> = {
  NOT_FOUND: 'not_found',
  ENTITY_IS_DELETED: 'not_found',
  INVALID_CROSS_REFERENCE_KEY: 'not_found',
  INSUFFICIENT_ACCESS: 'forbidden',
  INSUFFICIENT_ACCESS_OR_READONLY: 'forbidden',
  INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: 'forbidden',
  API_DISABLED_FOR_ORG: 'forbidden',
  invalid_grant: 'revoked',
  FIELD_INTEGRITY_EXCEPTION: 'invalid',
  REQUIRED_FIELD_MISSING: 'invalid',
  INVALID_FIELD: 'invalid',
  INVALID_TYPE: 'invalid',
  MALFORMED_QUERY: 'invalid',
  STRING_TOO_LONG: 'invalid',
  INVALID_EMAIL_ADDRESS: 'invalid',
  FIELD_CUSTOM_VALIDATION_EXCEPTION: 'invalid',
  INVALID_MULTIPART_REQUEST: 'invalid',
  MAXIMUM_SIZE_OF_ATTACHMENT: 'invalid',
  STORAGE_LIMIT_EXCEEDED: 'invalid',
};

export function kindForStatus(status: number): CrmErrorKind {
  if (status === 404) return 'not_found';
  if (status === 403) return 'forbidden';
  if (status === 400 || status === 413 || status === 422) return 'invalid';
  return 'transient';
}

export function kindForCode(code: string | undefined, status?: number): CrmErrorKind {
  if (code && code in PERMANENT_CODES) return PERMANENT_CODES[code]!;
  if (code && /invalid_grant/.test(code)) return 'revoked';
  return status ? kindForStatus(status) : 'transient';
}
