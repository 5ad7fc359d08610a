// The JSON Schema of each command's `--json` result, from the zod schemas in results.ts.
import { z } from 'zod';
import { RESULT_SCHEMAS } from './results.ts';

export const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url);

export function resultJsonSchemas(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(RESULT_SCHEMAS).map(([id, schema]) => [
      `${id}.json`,
      `${JSON.stringify({ ...z.toJSONSchema(schema, { io: 'output' }), title: `${id} result` }, null, 2)}\n`,
    ]),
  );
}
