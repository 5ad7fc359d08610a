// One handler per write-back step kind, exhaustive by the compiler (like routing/handlers.ts).
import type { z } from 'zod';
import { activityStep } from './activity.ts';
import { attachmentStep } from './attachment.ts';
import { attendeesStep } from './attendees.ts';
import { leadStep } from './lead.ts';
import { recordingStep } from './recording.ts';
import type { StepKind } from './types.ts';
import { workNoteStep } from './workNote.ts';

export type { StepContext, StepHandler, StepKind } from './types.ts';

export const steps = {
  activity: activityStep,
  lead: leadStep,
  attendees: attendeesStep,
  recording: recordingStep,
  work_note: workNoteStep,
  attachment: attachmentStep,
} satisfies { [K in StepKind]: { readonly payload: z.ZodType; run(ctx: never): Promise<string> } };

/** The payload each step kind stores (and reads back through its schema). */
export type Payloads = { [K in StepKind]: z.infer<(typeof steps)[K]['payload']> };
