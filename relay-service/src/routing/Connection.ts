// One participant's WebSocket: typed sends, error replies, its rate limits and its viewer queue.
import { WebSocket } from 'ws';
import type { ErrorCode, ServerMessage } from '../protocol/index.ts';
import { TokenBucket } from './TokenBucket.ts';
import type { LayerSelector } from './LayerSelector.ts';
import type { ViewerQueue } from './ViewerQueue.ts';

export class Connection {
  readonly participantId: string;
  readonly ws: WebSocket;
  readonly messages: TokenBucket;
  readonly bytes: TokenBucket;
  queue: ViewerQueue | null = null;
  /** Which simulcast rendition of each stream this viewer gets (with its queue). */
  layers: LayerSelector | null = null;
  /** Set when the relay closes this socket on purpose (leave, replaced, ended): not a lost connection. */
  retired = false;
  // -Infinity, not 0: performance.now() counts from process start, so 0 would swallow the first
  // rate-limit error of a process's first second.
  private lastRateError = -Infinity;

  private readonly maxBufferedBytes: number;

  constructor(
    participantId: string,
    ws: WebSocket,
    limits: { messagesPerSecond: number; bytesPerSecond: number; maxBufferedBytes?: number },
  ) {
    this.participantId = participantId;
    this.ws = ws;
    this.maxBufferedBytes = limits.maxBufferedBytes ?? Infinity;
    this.messages = new TokenBucket(limits.messagesPerSecond);
    this.bytes = new TokenBucket(limits.bytesPerSecond);
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Control messages are not dropped like frames, so a reader that stops reading would make them pile
   * up in memory: past maxBufferedBytes unsent, the socket is cut off (the participant may reconnect).
   */
  send(message: ServerMessage): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  error(code: ErrorCode, message: string, ref?: string): void {
    this.send({ type: 'error', code, message, ...(ref ? { ref } : {}) });
  }

  /** Rate-limit errors are reported at most once a second, so a flood does not answer with a flood. */
  rateLimited(message: string): void {
    const now = performance.now();
    if (now - this.lastRateError < 1000) return;
    this.lastRateError = now;
    this.error('rate_limited', message);
  }

  /** Closes on purpose (no reconnect grace logic runs for it). */
  retire(code: number, reason: string): void {
    this.retired = true;
    this.queue?.close();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
  }
}
