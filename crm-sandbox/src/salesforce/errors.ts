// Salesforce REST errors: a JSON array of {message, errorCode, fields}, with the status Salesforce uses.
export class SalesforceError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[] | undefined;

  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message);
    this.name = 'SalesforceError';
    this.status = status;
    this.errorCode = errorCode;
    this.fields = fields;
  }

  body(): Array<{ message: string; errorCode: string; fields?: string[] }> {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }
}

export const notFound = () => new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');

export const invalidType = (type: string) =>
  new SalesforceError(
    400,
    'INVALID_TYPE',
    `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

export const invalidField = (field: string, type: string) =>
  new SalesforceError(400, 'INVALID_FIELD', `No such column '${field}' on sobject of type ${type}`, [field]);
