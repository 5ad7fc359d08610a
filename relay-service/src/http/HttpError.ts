// An error with the HTTP answer it deserves: `{error, message, issues?}` (apiErrorSchema).
export interface Issue {
  path: string;
  message: string;
}

export class HttpError extends Error {
  readonly status: number;
  readonly error: string;
  readonly issues: Issue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, error: string, message: string, issues?: Issue[], headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.error = error;
    this.issues = issues;
    this.headers = headers;
  }
}

export const fail = (status: number, error: string, message: string): HttpError =>
  new HttpError(status, error, message);
