// The shared stylesheet of the people pages, and the Salesforce package's browser build when present.
import express from 'express';
import { STYLESHEET } from './html.ts';

/** The bits of the ServiceNow form API a UI action client script uses, for the incident page. */
const SERVICENOW_FORM_SHIM = `'use strict';
(function () {
  var button = document.getElementById('sightline-start');
  var messages = document.getElementById('sightline-messages');
  if (!button) return;
  window.g_scratchpad = { x_sightline_share_relay_url: button.dataset.relayUrl };
  window.g_form = {
    getUniqueValue: function () { return button.dataset.sysId; },
    addErrorMessage: function (m) { messages.textContent = m; },
    addInfoMessage: function (m) { messages.textContent = m; },
  };
  // The platform's navigation API (GlideNavigation): scoped client scripts open windows through it.
  window.g_navigation = {
    openPopup: function (url, name, features) { return window.open(url, name, features); },
  };
  button.addEventListener('click', function () { window.sightlineStartScreenShare(); });
})();
`;

export function assetsRouter(): express.Router {
  const router = express.Router();
  router.get('/sandbox-assets/sandbox.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'no-cache').send(STYLESHEET);
  });
  router.get('/sandbox-assets/servicenow-form.js', (_req, res) => {
    res.type('js').set('Cache-Control', 'no-cache').send(SERVICENOW_FORM_SHIM);
  });
  router.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  return router;
}
