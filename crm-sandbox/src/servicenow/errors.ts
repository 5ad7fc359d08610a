// ServiceNow REST errors: {"error":{"message","detail"},"status":"failure"}.
export class ServiceNowError extends Error {
  readonly status: number;
  readonly detail: string | null;

  constructor(status: number, message: string, detail: string | null = null) {
    super(message);
    this.name = 'ServiceNowError';
    this.status = status;
    this.detail = detail;
  }

  body(): { error: { message: string; detail: string | null }; status: 'failure' } {
    return { error: { message: this.message, detail: this.detail }, status: 'failure' };
  }
}

export const noRecord = () =>
  new ServiceNowError(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");
export const invalidTable = (table: string) => new ServiceNowError(400, `Invalid table ${table}`);
