// The renderer's only door to the main process (contextIsolation + sandbox): named calls, no Node.
// A sandboxed preload may require nothing but 'electron', so the channel names are repeated from
// ipc.ts (the main process validates every payload there).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload runs as CommonJS
const { contextBridge, ipcRenderer } = require('electron') as typeof import('electron');

const IPC = {
  handOff: 'sightline:hand-off',
  monitors: 'sightline:monitors',
  join: 'sightline:join',
  share: 'sightline:share',
  fromRelay: 'sightline:from-relay',
  toRelay: 'sightline:to-relay',
  controlRequest: 'sightline:control-request',
  action: 'sightline:action',
  mode: 'sightline:mode',
} as const;

const on = (channel: string) => (listener: (value: unknown) => void) => {
  ipcRenderer.on(channel, (_e, value: unknown) => listener(value));
};

contextBridge.exposeInMainWorld('sightline', {
  onHandOff: on(IPC.handOff),
  onToRelay: on(IPC.toRelay),
  onControlRequest: on(IPC.controlRequest),
  onMode: on(IPC.mode),
  monitors: () => ipcRenderer.invoke(IPC.monitors),
  join: (answers: unknown) => ipcRenderer.invoke(IPC.join, answers),
  share: (monitorId: string) => ipcRenderer.invoke(IPC.share, { monitorId }),
  fromRelay: (message: unknown) => ipcRenderer.send(IPC.fromRelay, message),
  action: (action: string) => ipcRenderer.send(IPC.action, action),
});
