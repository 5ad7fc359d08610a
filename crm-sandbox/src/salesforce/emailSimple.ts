// `POST /actions/standard/emailSimple` (Actions Developer Guide, "Simple Email Actions"): the input
// names each API version accepts, the recipient caps, the org's daily single-email limit, the
// sender types, and logEmailOnSend writing an EmailMessage on the related record. Each input gets
// its own result with its own success flag and errors.
import { z } from 'zod';
import type { Doc } from '../store.ts';
import type { SalesforceContext } from './context.ts';
import { SalesforceError } from './errors.ts';

/** Input names by the API version that introduced them. */
const INPUTS_SINCE: Array<[number, string[]]> = [
  [
    32,
    [
      'emailAddresses',
      'emailAddressesArray',
      'emailSubject',
      'emailBody',
      'senderType',
      'senderAddress',
      'relatedRecordId',
      'recipientId',
      'logEmailOnSend',
      'useLineBreaks',
      'emailTemplateId',
      'addThreadingTokenToBody',
      'addThreadingTokenToSubject',
      'composeMode',
    ],
  ],
  [62, ['ccRecipientAddressList', 'bccRecipientAddressList']],
  [64, ['ccRecipientAddressCollection', 'bccRecipientAddressCollection']],
  [65, ['recipientAddresses', 'ccAddresses', 'bccAddresses']],
];

export function emailInputNames(version: string): Set<string> {
  const v = Number(version);
  return new Set(INPUTS_SINCE.filter(([since]) => v >= since).flatMap(([, names]) => names));
}

const addresses = z.union([z.string().max(4000), z.array(z.string())]).optional();
const inputSchema = z.object({
  emailAddresses: addresses,
  emailAddressesArray: z.array(z.string()).optional(),
  recipientAddresses: addresses,
  ccAddresses: addresses,
  bccAddresses: addresses,
  ccRecipientAddressList: z.string().max(4000).optional(),
  bccRecipientAddressList: z.string().max(4000).optional(),
  ccRecipientAddressCollection: z.array(z.string()).optional(),
  bccRecipientAddressCollection: z.array(z.string()).optional(),
  emailSubject: z.string().min(1).max(3000),
  emailBody: z.string().max(100_000),
  senderType: z.enum(['CurrentUser', 'DefaultWorkflowUser', 'OrgWideEmailAddress']).optional(),
  senderAddress: z.string().optional(),
  relatedRecordId: z.string().optional(),
  recipientId: z.string().optional(),
  logEmailOnSend: z.boolean().optional(),
  useLineBreaks: z.boolean().optional(),
  emailTemplateId: z.string().optional(),
  addThreadingTokenToBody: z.boolean().optional(),
  addThreadingTokenToSubject: z.boolean().optional(),
  composeMode: z.string().optional(),
});
type Input = z.infer<typeof inputSchema>;

/** The `emailAddresses` family holds 5 recipients; all recipients of one email together 150. */
export const LEGACY_RECIPIENT_CAP = 5;
export const RECIPIENT_CAP = 150;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const split = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : (v ?? '').split(/[,;]/)).map((s) => s.trim()).filter(Boolean);

class InputError extends Error {
  readonly statusCode: string;
  constructor(statusCode: string, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

const result = (error?: InputError): Doc => ({
  actionName: 'emailSimple',
  errors: error ? [{ statusCode: error.statusCode, message: error.message, fields: [] }] : null,
  invocationId: null,
  isSuccess: !error,
  outcome: null,
  outputValues: null,
  sortOrder: -1,
  version: 1,
});

export function emailSimple(
  ctx: SalesforceContext,
  body: unknown,
  userId: string,
  version: string,
): { status: number; body: Doc[] } {
  const shape = z.object({ inputs: z.array(z.record(z.string(), z.unknown())).min(1).max(100) }).safeParse(body);
  if (!shape.success) throw new SalesforceError(400, 'JSON_PARSER_ERROR', z.prettifyError(shape.error));
  const known = emailInputNames(version);
  // An input this version does not define fails the whole request, as an unknown parameter does.
  for (const input of shape.data.inputs) {
    const unknown = Object.keys(input).find((k) => !known.has(k));
    if (unknown)
      throw new SalesforceError(
        400,
        'INVALID_INPUT',
        `Unknown input parameter for action emailSimple in API version ${version}: ${unknown}`,
      );
  }
  const results = shape.data.inputs.map((raw) => {
    const parsed = inputSchema.safeParse(raw);
    if (!parsed.success)
      return result(new InputError('INVALID_API_INPUT', z.prettifyError(parsed.error).replace(/\n/g, ' ')));
    try {
      send(ctx, parsed.data, userId);
      return result();
    } catch (err) {
      if (err instanceof InputError) return result(err);
      throw err;
    }
  });
  return { status: results.every((r) => r.isSuccess) ? 200 : 400, body: results };
}

function send(ctx: SalesforceContext, input: Input, userId: string): void {
  const legacy = [...split(input.emailAddresses), ...split(input.emailAddressesArray)];
  if (legacy.length > LEGACY_RECIPIENT_CAP)
    throw new InputError('INVALID_EMAIL_ADDRESS', 'You can send an email to up to 5 recipients.');
  const to = [...legacy, ...split(input.recipientAddresses)];
  const copies = [
    ...split(input.ccAddresses),
    ...split(input.bccAddresses),
    ...split(input.ccRecipientAddressList),
    ...split(input.bccRecipientAddressList),
    ...split(input.ccRecipientAddressCollection),
    ...split(input.bccRecipientAddressCollection),
  ];
  if (input.recipientId) {
    const who = ctx.data.find(input.recipientId);
    if (!who || !['Contact', 'Lead', 'User'].includes(who.def.name))
      throw new InputError('INVALID_ID_FIELD', `recipientId ${input.recipientId} is not a contact, lead or user.`);
    const email = typeof who.record.Email === 'string' ? who.record.Email : '';
    if (!email) throw new InputError('INVALID_EMAIL_ADDRESS', 'The recipient has no email address.');
    if (!to.some((t) => t.toLowerCase() === email.toLowerCase())) to.push(email);
  }
  const all = [...to, ...copies];
  if (!to.length) throw new InputError('INVALID_EMAIL_ADDRESS', 'Specify at least one recipient.');
  if (all.length > RECIPIENT_CAP)
    throw new InputError('INVALID_EMAIL_ADDRESS', `You can send an email to up to ${RECIPIENT_CAP} recipients.`);
  const invalid = all.find((t) => !EMAIL.test(t));
  if (invalid) throw new InputError('INVALID_EMAIL_ADDRESS', `Invalid email address: ${invalid}`);
  let related: Doc | undefined;
  if (input.relatedRecordId) {
    related = ctx.data.find(input.relatedRecordId)?.record;
    if (!related) throw new InputError('INVALID_ID_FIELD', `relatedRecordId ${input.relatedRecordId} does not exist.`);
  }
  const from = sender(ctx, input, userId);
  const perEmail = ctx.config.sandbox.emailRecipientsPerMessage;
  if (all.length > perEmail)
    throw new InputError('INVALID_EMAIL_ADDRESS', `This org can send an email to up to ${perEmail} recipients.`);
  const today = new Date().toISOString().slice(0, 10);
  const sentToday = ctx.store
    .emails()
    .filter((e) => e.crm === 'salesforce' && e.createdAt.startsWith(today))
    .reduce((n, e) => n + e.to.length, 0);
  if (sentToday + all.length > ctx.config.sandbox.emailDailyLimit)
    throw new InputError(
      'SINGLE_EMAIL_LIMIT_EXCEEDED',
      `Email limit exceeded: this org can send single emails to ${ctx.config.sandbox.emailDailyLimit} external addresses a day.`,
    );
  ctx.store.addEmail({
    crm: 'salesforce',
    from,
    to: all,
    subject: input.emailSubject,
    body: input.emailBody,
    relatedId: related ? String(related.Id) : null,
  });
  if (input.logEmailOnSend) {
    const onCase = related && String(related.Id).startsWith('500');
    ctx.data.create(
      'EmailMessage',
      {
        Subject: input.emailSubject,
        TextBody: input.emailBody,
        FromAddress: from,
        ToAddress: to.join('; '),
        Status: '3',
        Incoming: false,
        MessageDate: new Date().toISOString(),
        ...(onCase ? { ParentId: related!.Id } : {}),
        ...(related ? { RelatedToId: related.Id } : {}),
      },
      userId,
    );
  }
}

/** The From address; an org-wide address must be one of the org's verified ones. */
function sender(ctx: SalesforceContext, input: Input, userId: string): string {
  if (input.senderType === 'OrgWideEmailAddress') {
    const address = input.senderAddress?.toLowerCase();
    const verified = ctx.data
      .list('OrgWideEmailAddress')
      .find((o) => String(o.Address).toLowerCase() === address && o.IsVerified === true);
    if (!verified)
      throw new InputError(
        'INVALID_EMAIL_ADDRESS',
        `senderAddress ${input.senderAddress ?? '(missing)'} is not a verified organization-wide email address.`,
      );
    return String(verified.Address);
  }
  if (input.senderAddress)
    throw new InputError('INVALID_API_INPUT', 'senderAddress can be set only when senderType is OrgWideEmailAddress.');
  const user = ctx.data.find(userId)?.record;
  return String(user?.Email ?? 'noreply@sightline.demo');
}
