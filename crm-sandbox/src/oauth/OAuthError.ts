// OAuth 2.0 errors as both CRMs send them: {error, error_description} with a status.
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, description: string) {
    super(description);
    this.name = 'OAuthError';
    this.status = status;
    this.error = error;
  }

  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}
