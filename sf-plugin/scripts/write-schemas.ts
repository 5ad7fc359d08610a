// Writes schemas/<command>.json from the result schemas (run after changing src/lib/results.ts).
import { writeFileSync } from 'node:fs';
import { resultJsonSchemas, SCHEMAS_DIR } from '../src/lib/schemas.ts';

for (const [file, text] of Object.entries(resultJsonSchemas())) writeFileSync(new URL(file, SCHEMAS_DIR), text);
console.log(`wrote ${Object.keys(resultJsonSchemas()).length} schemas to ${SCHEMAS_DIR.pathname}`);
