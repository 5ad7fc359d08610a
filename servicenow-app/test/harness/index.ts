// The widget harness for other parts' tests (the browser walk-through in e2e-tests).
export {
  runServerScript,
  ServerScriptError,
  type BackendSpec,
  type ServerJob,
  type ServerResult,
} from './runServerScript.ts';
export { uiActionSource, widgetDir, widgetSource } from './widgetSource.ts';
export { makeGs, type UserContext } from './platform.ts';
