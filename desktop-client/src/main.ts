// The Electron shell: app lifecycle, windows, IPC, desktopCapturer and the sightline:// handler.
// Every decision lives in the plain modules beside it (tested without Electron); this file only
// wires them to Electron's APIs. It never listens on a port, and quits when the session ends.
import { app, BrowserWindow, desktopCapturer, ipcMain, screen, session, type WebContents } from 'electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientMessage } from '@sightline/relay-service/protocol';
import { AppConfigLoader } from './AppConfig.ts';
import { Border, type BorderMode } from './Border.ts';
import { ControlSession } from './ControlSession.ts';
import { HandOffClient, HandOffError } from './HandOffClient.ts';
import { actionSchema, fromRelaySchema, IPC, joinAnswersSchema, shareRequestSchema, type Action } from './ipc.ts';
import { MonitorChooser, type MonitorChoice } from './MonitorChooser.ts';
import type { HandOffLink } from '@sightline/relay-service/protocol';
import { XTestInput } from './XTestInput.ts';

// The packaged app's root (resources/app.asar): package.json with the baked settings, dist/renderer.
const APP_ROOT = app.getAppPath();
const pkg = JSON.parse(readFileSync(join(APP_ROOT, 'package.json'), 'utf8')) as { sightline?: unknown };
const config = AppConfigLoader.load(pkg.sightline, process.env);
const handOff = new HandOffClient({ allowedRelays: config.allowedRelays });
const border = new Border({ thickness: config.borderPx });
const RENDERER = join(APP_ROOT, 'dist', 'renderer');
const PRELOAD = join(import.meta.dirname, 'preload.cjs'); // src/preload.ts, bundled as CommonJS by scripts/build.ts

let mainWindow: BrowserWindow | null = null;
let edgeWindows: BrowserWindow[] = [];
let barWindow: BrowserWindow | null = null;
let link: HandOffLink | null = null;
let choices: MonitorChoice[] = [];
let shared: MonitorChoice | null = null;
let control: ControlSession | null = null;
let paused = false;

if (!app.requestSingleInstanceLock()) app.quit();
app.setAsDefaultProtocolClient('sightline');

/** Injection where the platform has it: XTest on an X11 session. Elsewhere control is not offered. */
async function openInput(): Promise<XTestInput | null> {
  if (process.platform !== 'linux' || !process.env.DISPLAY || process.env.XDG_SESSION_TYPE === 'wayland') return null;
  return XTestInput.open(process.env.DISPLAY);
}

function rendererFor(contents: WebContents): void {
  // Web content never opens windows or navigates away from the app's own pages.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (e) => e.preventDefault());
}

function newWindow(options: Electron.BrowserWindowConstructorOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...options,
    webPreferences: { preload: PRELOAD, sandbox: true, contextIsolation: true, nodeIntegration: false },
  });
  rendererFor(win.webContents);
  return win;
}

async function onLink(raw: string): Promise<void> {
  try {
    link = handOff.parse(raw);
    const info = await handOff.lookup(link);
    mainWindow ??= newWindow({ width: 720, height: 640, title: 'Sightline' });
    await mainWindow.loadFile(join(RENDERER, 'index.html'));
    mainWindow.webContents.send(IPC.handOff, { ...info, relayHost: new URL(link.relay).host });
  } catch (error) {
    const message = error instanceof HandOffError ? error.message : 'The session could not be opened.';
    mainWindow?.webContents.send(IPC.handOff, { error: message });
  }
}

function modeNow(): BorderMode {
  if (!shared) return 'hidden';
  if (paused) return 'paused';
  return control && control.gateState !== 'closed' ? 'controlled' : 'visible';
}

/** Redraws the border and the bar on the shared monitor (in DIP, as Electron places windows). */
function drawBorder(): void {
  const mode = modeNow();
  for (const w of edgeWindows) w.destroy();
  edgeWindows = [];
  const display = shared && screen.getAllDisplays().find((d) => String(d.id) === shared!.id);
  const layout = display ? border.layout(display.bounds, mode) : null;
  if (!layout) {
    barWindow?.destroy();
    barWindow = null;
    return;
  }
  for (const r of layout.edges) {
    const w = new BrowserWindow({
      ...r,
      frame: false,
      transparent: false,
      backgroundColor: layout.color,
      focusable: false,
      skipTaskbar: true,
      resizable: false,
      hasShadow: false,
      show: false,
    });
    w.setIgnoreMouseEvents(true); // click-through
    w.setAlwaysOnTop(true, 'screen-saver');
    w.setContentProtection(true); // the border itself is not captured
    w.showInactive();
    edgeWindows.push(w);
  }
  if (!barWindow) {
    barWindow = newWindow({ ...layout.bar, frame: false, resizable: false, skipTaskbar: true, show: false });
    barWindow.setAlwaysOnTop(true, 'screen-saver');
    barWindow.setContentProtection(true);
    void barWindow.loadFile(join(RENDERER, 'bar.html')).then(() => barWindow?.showInactive());
  } else barWindow.setBounds(layout.bar);
  barWindow.webContents.send(IPC.mode, { mode, actions: layout.actions, color: layout.color });
  mainWindow?.webContents.send(IPC.mode, { mode, actions: layout.actions, color: layout.color });
}

const toRelay = (message: ClientMessage) => mainWindow?.webContents.send(IPC.toRelay, message);

function act(action: Action): void {
  switch (action) {
    case 'grant':
      control?.grant();
      break;
    case 'decline':
      control?.decline();
      break;
    case 'take-back':
      control?.takeBack();
      break;
    case 'pause':
    case 'resume':
      paused = action === 'pause';
      toRelay({ type: 'pause', paused });
      break;
    case 'stop':
      shared = null;
      control?.share(null);
      toRelay({ type: 'stream-stop', stream: 0 });
      break;
    case 'leave':
      endSession();
      return;
  }
  drawBorder();
}

/** The session is over: release input, close every window, keep nothing, leave no process behind. */
function endSession(): void {
  control?.end();
  control = null;
  shared = null;
  link = null;
  drawBorder();
  mainWindow?.webContents.send(IPC.toRelay, { type: 'leave' });
  setTimeout(() => app.quit(), 500);
}

ipcMain.handle(IPC.monitors, async () => {
  const sources = await desktopCapturer.getSources({ types: ['screen'], thumbnailSize: { width: 320, height: 200 } });
  choices = MonitorChooser.choices(
    screen.getAllDisplays().map((d) => ({
      id: d.id,
      label: d.label,
      bounds: d.bounds,
      scaleFactor: d.scaleFactor,
      primary: d.id === screen.getPrimaryDisplay().id,
    })),
    sources.map((s) => ({ id: s.id, name: s.name, displayId: s.display_id, thumbnail: s.thumbnail.toDataURL() })),
  );
  return choices.map(({ id, label, thumbnail, primary }) => ({ id, label, thumbnail, primary }));
});

ipcMain.handle(IPC.join, async (_e, raw: unknown) => {
  if (!link) throw new Error('no session to join');
  const answers = joinAnswersSchema.parse(raw);
  const joined = await handOff.join(link, answers);
  const input = await openInput();
  if (input) {
    control = new ControlSession({
      send: toRelay,
      sink: input,
      probe: input,
      suspendMs: config.localPriorityMs,
      events: {
        request: (r) => mainWindow?.webContents.send(IPC.controlRequest, r),
        gate: () => drawBorder(),
      },
    });
  }
  return { ...joined, controlAvailable: input !== null };
});

ipcMain.handle(IPC.share, (_e, raw: unknown) => {
  const { monitorId } = shareRequestSchema.parse(raw);
  const choice = choices.find((c) => c.id === monitorId);
  if (!choice) throw new Error('no such monitor');
  shared = choice;
  paused = false;
  control?.share(choice);
  // The renderer's getDisplayMedia gets exactly this monitor, with no further picker.
  session.defaultSession.setDisplayMediaRequestHandler((_req, callback) => {
    void desktopCapturer.getSources({ types: ['screen'] }).then((sources) => {
      const source = sources.find((s) => s.id === choice.sourceId);
      callback(source ? { video: source } : {});
    });
  });
  drawBorder();
  return true;
});

ipcMain.on(IPC.fromRelay, (_e, raw: unknown) => {
  const message = fromRelaySchema.safeParse(raw);
  if (!message.success) return;
  if (message.data.type === 'control-request' && !control) {
    toRelay({ type: 'chat', text: 'Remote control is not available on this computer.' });
    return;
  }
  control?.handle(message.data);
  if (message.data.type === 'ended') endSession();
});

ipcMain.on(IPC.action, (_e, raw: unknown) => {
  const action = actionSchema.safeParse(raw);
  if (action.success) act(action.data);
});

app.on('second-instance', (_e, argv) => {
  const raw = argv.find((a) => a.startsWith('sightline://'));
  if (raw) void onLink(raw);
});
app.on('open-url', (e, url) => {
  e.preventDefault();
  void onLink(url);
});
app.on('window-all-closed', () => app.quit());
app.on('before-quit', () => control?.end());

void app.whenReady().then(() => {
  const raw = process.argv.find((a) => a.startsWith('sightline://'));
  if (raw) void onLink(raw);
  else {
    mainWindow = newWindow({ width: 720, height: 640, title: 'Sightline' });
    void mainWindow.loadFile(join(RENDERER, 'index.html'));
  }
});
