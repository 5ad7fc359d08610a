// Request input through a zod schema, or a 400 that names every offending field.
import type { z } from 'zod';
import { HttpError } from './HttpError.ts';

export function validate<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || what, message: i.message }));
  throw new HttpError(
    400,
    'bad_request',
    `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues,
  );
}
