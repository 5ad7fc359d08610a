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
