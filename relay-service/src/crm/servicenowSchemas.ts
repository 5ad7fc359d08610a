// Shapes of the ServiceNow responses the relay relies on (Table and Attachment API, OAuth).
import { z } from 'zod';

export const snSysIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'not a ServiceNow sys_id');
/** A reference field, with or without sysparm_exclude_reference_link. */
const reference = z.union([z.string(), z.object({ value: z.string() }).transform((r) => r.value)]);

export const snIncidentSchema = z.object({
  result: z.object({
    sys_id: snSysIdSchema,
    number: z.string().optional(),
    short_description: z.string().optional(),
    caller_id: reference.optional(),
  }),
});
export const snUserSchema = z.object({
  result: z.object({ sys_id: snSysIdSchema, name: z.string().optional(), email: z.string().optional() }),
});
export const snIdListSchema = z.object({ result: z.array(z.object({ sys_id: snSysIdSchema })) });
/** sys_user_grmember rows with only `user`, its sys_id (sysparm_exclude_reference_link). */
export const snMemberListSchema = z.object({ result: z.array(z.object({ user: snSysIdSchema })) });
export const snOneSchema = z.object({ result: z.object({ sys_id: snSysIdSchema }) });
export const snErrorSchema = z.object({
  error: z.object({ message: z.string().optional(), detail: z.string().nullish() }).optional(),
});
export const snTokenSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
});
export const snOAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });
