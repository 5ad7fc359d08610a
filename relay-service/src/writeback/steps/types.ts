// What a write-back step handler is given and returns. WriteBack owns the outbox: a step sees only its
// own validated payload, its bytes and the CRM adapter acting as the host agent.
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { CrmAdapter } from '../../crm/CrmAdapter.ts';
import type { DeliveryWhat } from '../../protocol/index.ts';

export type StepKind = DeliveryWhat;

export interface StepContent {
  size: number;
  /** A fresh stream of the bytes for each upload attempt. */
  open(): Readable;
}

export interface StepContext<P> {
  sessionId: string;
  payload: P;
  crm: CrmAdapter;
  /** The step's recording, from the outbox (decrypted) or the relay's spill file; null when it has none. */
  content(): StepContent | null;
  /** Stores a changed payload before acting on it, so a retry keeps the decision. */
  remember(payload: P): void;
  /** Whether any of this session's `kind` steps is still to be delivered. */
  pending(kind: StepKind): boolean;
}

export interface StepHandler<P> {
  /** Validates the payload read back from disk (the outbox is an external input like any other). */
  readonly payload: z.ZodType<P>;
  /** Idempotent: looks for what an earlier attempt may have written first. Returns the id written or found. */
  run(ctx: StepContext<P>): Promise<string>;
}
