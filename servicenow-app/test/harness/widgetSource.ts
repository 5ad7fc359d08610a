// The widget's parts as they ship (the same files the SDK inlines into sp_widget).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../src/fluent/widget/', import.meta.url));

export const widgetDir = dir;

export function widgetSource() {
  const read = (name: string) => readFileSync(dir + name, 'utf8');
  return {
    serverScript: read('server_script.js'),
    clientScript: read('client_script.js'),
    template: read('template.html'),
    scss: read('style.scss'),
  };
}

/** The UI action's client script and the display business rule that feeds it g_scratchpad. */
export function uiActionSource() {
  const read = (name: string) =>
    readFileSync(fileURLToPath(new URL(`../../src/fluent/ui-action/${name}`, import.meta.url)), 'utf8');
  return {
    clientScript: read('start-screen-share.client.js'),
    displayRule: read('relay-url-scratchpad.server.js'),
  };
}
