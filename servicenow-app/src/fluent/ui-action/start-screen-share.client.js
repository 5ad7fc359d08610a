// "Start Screen Share" on the incident form: creates the agent's session on the relay (the agent's
// relay sign-in cookie, credentialed CORS) and opens the relay's agent console for it. Not signed
// in yet: the same window shows the relay's ServiceNow sign-in first, then becomes the console.
function sightlineStartScreenShare() {
  var relay = String(g_scratchpad.x_sightline_share_relay_url || '').replace(/\/+$/, '');
  var recordId = g_form.getUniqueValue();
  if (!/^https?:\/\/[^\s"'<>]+$/.test(relay)) {
    g_form.addErrorMessage('Sightline: the relay URL (x_sightline_share.relay_url) is not configured.');
    return false;
  }
  // Opened now, while the click still counts as the user's, so pop-up blockers let it through.
  var win = window.open('', 'sightline-console-' + recordId);
  if (!win) {
    g_form.addErrorMessage('Sightline: allow pop-ups for this instance to open the agent console.');
    return false;
  }
  var signInStarted = 0;

  function fail(message) {
    try {
      win.close();
    } catch (e) {
      // already gone
    }
    g_form.addErrorMessage('Sightline: ' + message);
  }

  function call(method, path, body) {
    var init = { method: method, credentials: 'include', headers: { Accept: 'application/json' } };
    if (body) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(relay + path, init);
  }

  function start() {
    call('POST', '/api/sessions', { crm: 'servicenow', recordId: recordId })
      .then(function (res) {
        if (res.status === 401 && !signInStarted) return signIn();
        return res
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            if (!res.ok) return fail(body && body.message ? body.message : 'the relay answered HTTP ' + res.status);
            if (!body || !/^https?:\/\//.test(body.consoleUrl)) return fail('the relay answered an unexpected shape');
            win.location.href = body.consoleUrl;
          });
      })
      .catch(function () {
        fail('the relay is unreachable');
      });
  }

  function signIn() {
    signInStarted = new Date().getTime();
    win.location.href = relay + '/auth/servicenow?returnTo=' + encodeURIComponent('/api/me');
    var timer = setInterval(function () {
      if (win.closed || new Date().getTime() - signInStarted > 5 * 60 * 1000) {
        clearInterval(timer);
        return g_form.addErrorMessage('Sightline: sign-in was not completed.');
      }
      call('GET', '/api/me').then(
        function (res) {
          if (res.status !== 200) return;
          clearInterval(timer);
          start();
        },
        function () {}
      );
    }, 1000);
  }

  start();
  return false;
}
