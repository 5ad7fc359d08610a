// A stand-in for the instance pages Sightline lives on. The Service Portal page (/sp) serves the widget's
// template with its client controller on AngularJS 1.8 (from npm), and answers c.server.get by
// running the widget's server script under the harness against the sandbox's Table API, as the
// signed-in instance user. The incident form (/incident.do) carries the Start Screen Share UI action,
// its g_scratchpad filled by the app's display business rule. All with the app's own shipped files.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import vm from 'node:vm';
import {
  makeGs,
  runServerScript,
  uiActionSource,
  widgetSource,
  type BackendSpec,
  type UserContext,
} from '@sightline/servicenow-app/harness';
import { crmUrl } from '../support/topology.ts';

const angularJs = readFileSync(join(dirname(findPackageJSON('angular', import.meta.url)!), 'angular.min.js'), 'utf8');

export interface WidgetHostOptions {
  backend: BackendSpec;
  user: UserContext;
}

export interface WidgetHost {
  url: string;
  origin: string;
  /** Sets x_sightline_share.relay_url (the relay starts after the host: it needs the host's origin). */
  setRelayUrl(url: string): void;
  close(): Promise<void>;
}

const serverCallSchema = z.object({ input: z.record(z.string(), z.unknown()) }).strict();

// Registers the controller as Service Portal does: c.data, c.options and c.server are set on the
// controller instance, then api.controller is invoked with its dependencies injected by name.
const BOOT = `
angular.module('sightlinePortal', [])
  .factory('spUtil', function () {
    function show(kind, text) {
      var li = document.createElement('li');
      li.className = 'sp-message sp-message-' + kind;
      li.textContent = text;
      document.getElementById('sp-messages').appendChild(li);
    }
    return {
      addInfoMessage: function (t) { show('info', t); },
      addErrorMessage: function (t) { show('error', t); }
    };
  })
  .controller('SightlineWidget', ['$scope', '$injector', '$http', function ($scope, $injector, $http) {
    var c = this;
    var boot = JSON.parse(document.getElementById('widget-data').textContent);
    c.data = boot.data;
    c.options = boot.options;
    c.server = {
      get: function (input) {
        return $http.post('/widget/server', { input: input || {} }).then(function (r) { return { data: r.data.data }; });
      }
    };
    $injector.invoke(api.controller, c, { $scope: $scope });
  }]);
`;

function page(template: string, boot: unknown): string {
  const json = JSON.stringify(boot).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sightline widget</title>
<script src="/angular.min.js"></script></head>
<body>
<ul id="sp-messages"></ul>
<div id="widget" ng-controller="SightlineWidget as c">${template}</div>
<script type="application/json" id="widget-data">${json}</script>
<script>var api = {};</script>
<script src="/widget/client_script.js"></script>
<script src="/widget/boot.js"></script>
<script>angular.bootstrap(document.getElementById('widget'), ['sightlinePortal']);</script>
</body></html>`;
}

// The incident form as far as the UI action needs it: its button, g_form and the g_scratchpad the
// display business rule fills on the server.
function incidentForm(sysId: string, scratchpad: Record<string, unknown>): string {
  const pad = JSON.stringify(scratchpad).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Incident</title></head>
<body>
<ul id="form-messages"></ul>
<form id="incident" data-sys-id="${sysId}">
  <button type="button" id="sightline-start" onclick="return sightlineStartScreenShare()">Start Screen Share</button>
</form>
<script>
var g_scratchpad = ${pad};
// The platform's navigation API (GlideNavigation): openPopup(url, name, features, noStack).
var g_navigation = {
  openPopup: function (url, name, features) { return window.open(url, name, features); }
};
var g_form = {
  getUniqueValue: function () { return document.getElementById('incident').dataset.sysId; },
  addErrorMessage: function (m) {
    var li = document.createElement('li'); li.className = 'form-error'; li.textContent = m;
    document.getElementById('form-messages').appendChild(li);
  }
};
</script>
<script src="/ui-action/client.js"></script>
</body></html>`;
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

export async function startWidgetHost(o: WidgetHostOptions): Promise<WidgetHost> {
  const src = widgetSource();
  const action = uiActionSource();
  const user: UserContext = { ...o.user, properties: { ...o.user.properties } };
  const run = (params: Record<string, string>, input?: Record<string, unknown>) =>
    runServerScript({
      script: src.serverScript,
      filename: 'server_script.js',
      backend: o.backend,
      user,
      params,
      options: {},
      input,
    });

  const send = (res: ServerResponse, status: number, type: string, text: string) =>
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(text);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    void (async () => {
      if (req.method === 'GET' && url.pathname === '/angular.min.js')
        return send(res, 200, 'text/javascript', angularJs);
      if (req.method === 'GET' && url.pathname === '/widget/client_script.js')
        return send(res, 200, 'text/javascript', src.clientScript);
      if (req.method === 'GET' && url.pathname === '/widget/boot.js') return send(res, 200, 'text/javascript', BOOT);
      if (req.method === 'GET' && url.pathname === '/ui-action/client.js')
        return send(res, 200, 'text/javascript', action.clientScript);
      if (req.method === 'GET' && url.pathname === '/incident.do') {
        const sysId = url.searchParams.get('sys_id') ?? '';
        if (!/^[0-9a-f]{32}$/.test(sysId)) return send(res, 400, 'text/plain', 'sys_id');
        const g_scratchpad: Record<string, unknown> = {};
        vm.runInNewContext(action.displayRule, { current: {}, previous: null, g_scratchpad, gs: makeGs(user, []) });
        return send(res, 200, 'text/html', incidentForm(sysId, g_scratchpad));
      }
      if (req.method === 'GET' && url.pathname === '/sp') {
        const params = Object.fromEntries(url.searchParams);
        const { data } = await run(params);
        return send(res, 200, 'text/html', page(src.template, { data, options: {} }));
      }
      if (req.method === 'POST' && url.pathname === '/widget/server') {
        const call = serverCallSchema.safeParse(await body(req));
        if (!call.success) return send(res, 400, 'application/json', JSON.stringify({ error: 'bad_request' }));
        const { data } = await run({}, call.data.input);
        return send(res, 200, 'application/json', JSON.stringify({ data }));
      }
      send(res, 404, 'text/plain', 'not found');
    })().catch((err: Error) => send(res, 500, 'text/plain', err.message));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = crmUrl((server.address() as AddressInfo).port);
  return {
    url: origin,
    origin,
    setRelayUrl: (relayUrl) => {
      user.properties['x_sightline_share.relay_url'] = relayUrl;
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
