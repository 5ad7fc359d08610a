// The relay's structured logger. Secrets never reach a log line: every field that can carry a
// token, key, ticket, cookie or authorization header is redacted by path, and callers log ids and
// counts, never stream data or CRM payloads.
import pino, { type DestinationStream, type Logger } from 'pino';
import type { SightlineConfig } from '@sightline/config';

export type { Logger };

const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'token',
  'ticket',
  'key',
  'password',
  'clientSecret',
  'client_secret',
  'code',
  'code_verifier',
  'state',
  'sid',
  'tokenEncryptionKey',
];

/** Redaction paths for the fields above at the top level and up to two levels down. */
export const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(f) ? `.${f}` : `["${f}"]`;
  return [k.slice(k.startsWith('.') ? 1 : 0), `*${k}`, `*.*${k}`];
});

export function createLogger(
  { config }: { config: Pick<SightlineConfig, 'log'> },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      name: 'relay',
      level: config.log.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
