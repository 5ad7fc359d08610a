// The renderer's only door to the main process (contextIsolation + sandbox): named calls, no Node.
// A sandboxed preload may require nothing but 'electron' at run time: the build bundles the channel
// names (ipcChannels.ts) into it; the main process validates every payload (ipc.ts).
import { IPC } from './ipcChannels.ts';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload runs as CommonJS
const { contextBridge, ipcRenderer } = require('electron') as typeof import('electron');

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
