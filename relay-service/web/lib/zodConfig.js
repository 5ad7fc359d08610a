// Imported first by every page entry, before any schema exists: zod 4 probes `new Function` when it
// builds an object schema, which the pages' CSP (`script-src 'self'`) refuses and Firefox reports as
// a violation. The pages parse small bodies; the interpreted path is all they need.
import { z } from 'zod';

z.config({ jitless: true });
