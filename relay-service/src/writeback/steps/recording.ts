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

/**
 * What a CRM answers when it will not store a file: Salesforce's full org file storage or size cap,
 * ServiceNow's `com.glide.attachment.max_size` or extension allowlist.
 */
const NOT_STORABLE = /STORAGE_LIMIT_EXCEEDED|MAXIMUM_SIZE|max_size|glide\.attachment\.extensions|HTTP_413/;

/** The marker of the note saying a session's recording was not stored (not a prefix of the session's own). */
export const notStoredMarker = (sessionId: string) => `recording-${sessionId}`;

/**
 * Uploads the stored bytes (also the ServiceNow attachment step's work). A recording the CRM will not
 * store is said so on the record, beside the session's log, before the failure reaches the agent.
 */
export async function uploadRecording({
  sessionId,
  payload,
  crm,
  content,
}: StepContext<RecordingPayload>): Promise<string> {
  const file = content();
  // A spilled recording's key lives only in the process that recorded it: a restart loses that file.
  if (!file) throw new CrmError('invalid', 'NO_CONTENT', 'the recording is no longer on the relay');
  try {
    return await crm.uploadRecording({ marker: sessionId, ...payload, size: file.size, open: () => file.open() });
  } catch (err) {
    if (err instanceof CrmError && err.kind === 'invalid' && NOT_STORABLE.test(`${err.code} ${err.message}`)) {
      const mb = (file.size / 1024 / 1024).toFixed(1);
      await crm.writeActivity({
        marker: notStoredMarker(sessionId),
        subject: `Recording not stored: ${payload.title}`.slice(0, 255),
        description: [
          `The recording of this session (${payload.fileName}, ${mb} MB, ${Math.round(payload.durationSeconds)} s) could not be stored: ${err.message}`,
          'The agent sees this in Sightline; an admin can retry the upload once the CRM accepts the file.',
        ].join('\n'),
        recordId: payload.recordId,
        date: new Date(),
        durationSeconds: 0,
      });
    }
    throw err;
  }
}

export const recordingStep: StepHandler<RecordingPayload> = { payload: recordingPayload, run: uploadRecording };
