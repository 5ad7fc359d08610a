// Shapes of the Salesforce responses the relay relies on, checked at the boundary.
import { z } from 'zod';

export const sfIdSchema = z.string().regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/, 'not a Salesforce id');
export const sfCaseSchema = z.object({
  Id: sfIdSchema,
  CaseNumber: z.string().nullish(),
  Subject: z.string().nullish(),
  ContactId: sfIdSchema.nullish(),
});
export const sfContactSchema = z.object({
  Id: sfIdSchema,
  Name: z.string().nullish(),
  Email: z.string().nullish(),
});
export const sfIdRecordsSchema = z.array(z.object({ Id: sfIdSchema }));
/** A SOQL query's answer when only Ids were selected. */
export const sfIdQuerySchema = z.object({ records: sfIdRecordsSchema });
export const sfSaveResultSchema = z.object({ id: sfIdSchema, success: z.literal(true) });
/** Upsert answers 201 or (API 46+) 200 with the result; older versions answer an update with 204 and no body. */
export const sfUpsertResultSchema = z.object({ id: sfIdSchema, success: z.literal(true), created: z.boolean() });
const emailSimpleResult = z.object({
  isSuccess: z.boolean(),
  errors: z.array(z.object({ statusCode: z.string().optional(), message: z.string() })).nullish(),
});
/** The docs show one object, real clients parse an array (CRM-WIRE.md): accept both. */
export const sfEmailSimpleSchema = z.union([z.array(emailSimpleResult).min(1), emailSimpleResult]);
/** `SELECT COUNT() ...`: the count is the totalSize; no records. */
export const sfCountSchema = z.object({ totalSize: z.number().int().min(0) });
/** A REST error answer: `[{"errorCode":"STORAGE_LIMIT_EXCEEDED","message":"..."}]`. */
export const sfErrorListSchema = z.array(z.object({ errorCode: z.string(), message: z.string() })).min(1);
