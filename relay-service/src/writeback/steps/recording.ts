// Salesforce: the consented recording as a ContentVersion on the Case, found again by its marker.
import { z } from 'zod';
import { CrmError } from '../../crm/CrmError.ts';
import type { StepContext, StepHandler } from './types.ts';

export const recordingPayload = z.object({
  recordId: z.string().min(1),
  fileName: z.string().min(1),
  mimeType: z.string().min(1),
  title: z.string(),
  durationSeconds: z.number().min(0),
});
export type RecordingPayload = z.infer<typeof recordingPayload>;

/** Uploads the stored bytes (also the ServiceNow attachment step's work). */
export function uploadRecording({ sessionId, payload, crm, blob }: StepContext<RecordingPayload>): Promise<string> {
  const bytes = blob();
  if (!bytes) throw new CrmError('invalid', 'NO_CONTENT', 'the recording is no longer on the relay');
  return crm.uploadRecording({ marker: sessionId, ...payload, bytes });
}

export const recordingStep: StepHandler<RecordingPayload> = { payload: recordingPayload, run: uploadRecording };
