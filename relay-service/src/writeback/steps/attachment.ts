// ServiceNow: the consented recording attached to the incident, found again by its file name.
import type { StepHandler } from './types.ts';
import { recordingPayload, uploadRecording, type RecordingPayload } from './recording.ts';

export const attachmentStep: StepHandler<RecordingPayload> = { payload: recordingPayload, run: uploadRecording };
