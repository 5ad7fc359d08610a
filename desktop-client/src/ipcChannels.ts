// The IPC channel names, with no imports: the sandboxed preload bundles this file and nothing else of
// the contract (ipc.ts, with the payload schemas the main process validates, needs zod).
export const IPC = {
  /** main -> renderer: a hand-off link arrived (validated), with what the session asks. */
  handOff: 'sightline:hand-off',
  /** renderer -> main (invoke): the monitors to choose from, with thumbnails. */
  monitors: 'sightline:monitors',
  /** renderer -> main (invoke): the customer's answers; main joins and returns the ticket. */
  join: 'sightline:join',
  /** renderer -> main (invoke): share this monitor (main arms the capture handler, shows the border). */
  share: 'sightline:share',
  /** renderer -> main: each message the relay sent on the renderer's socket. */
  fromRelay: 'sightline:from-relay',
  /** main -> renderer: a message the renderer must send to the relay (control grant and revoke). */
  toRelay: 'sightline:to-relay',
  /** main -> renderer: the agent asks for control. */
  controlRequest: 'sightline:control-request',
  /** renderer or bar -> main: the customer's answer or action. */
  action: 'sightline:action',
  /** main -> renderer and bar: border mode changed. */
  mode: 'sightline:mode',
} as const;
