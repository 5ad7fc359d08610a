api.controller = function ($scope, $http, $interval, $window, spUtil) {
  // Sightline Screen Share widget, client side. Talks to the relay directly with the agent's relay
  // sign-in (httpOnly cookie, credentialed CORS), and to its own server script for what the instance
  // holds (recordings, attendees). States: idle -> starting -> (signing_in ->) active -> ended.
  var c = this;
  var STATUS = {
    waiting: 'Waiting for the customer',
    in_progress: 'In progress',
    customer_absent: 'Customer absent',
    ended: 'Ended',
  };
  var HTTP_URL = /^https?:\/\/[^\s"'<>]+$/;
  var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  var SIGN_IN_TIMEOUT_MS = 5 * 60 * 1000;
  var WRITE_BACK_POLLS = 40;
  var timers = [];

  c.state = 'idle';
  c.error = null;
  c.session = null;
  c.participants = [];
  c.signedIn = null;
  c.recordRequested = c.data.recordingPolicy === 'always';
  c.invite = { to: (c.data.record && c.data.record.contactEmail) || '', sending: false, sentTo: null, error: null };

  c.statusLabel = function () {
    return c.session ? STATUS[c.session.status] || c.session.status : '';
  };

  /** Start Screen Share: create the session on the relay; a 401 means the agent signs in first. */
  c.start = function () {
    if (!c.data.canStart || c.state === 'starting' || c.state === 'signing_in') return null;
    c.state = 'starting';
    c.error = null;
    var body = { crm: 'servicenow', recordId: c.data.record.sys_id };
    if (c.data.recordingPolicy === 'host') body.record = !!c.recordRequested;
    return relay('POST', '/api/sessions', body).then(
      function (res) {
        var session = parseSession(res.data);
        if (!session)
          return fail({ status: 502, data: { message: 'The relay answered with an unexpected session shape.' } });
        adopt(session);
      },
      function (res) {
        if (res.status === 401) return signIn();
        fail(res);
      }
    );
  };

  c.end = function () {
    if (!c.session || c.state !== 'active') return null;
    return relay('POST', '/api/sessions/' + encodeURIComponent(c.session.sessionId) + '/end').then(
      function () {
        ended();
      },
      function (res) {
        if (res.status === 404) return ended();
        fail(res, c.state);
      }
    );
  };

  c.sendInvite = function () {
    var to = String(c.invite.to || '').trim();
    c.invite.error = null;
    if (!EMAIL.test(to)) {
      c.invite.error = 'Enter one email address.';
      return null;
    }
    if (!c.session || c.invite.sending) return null;
    c.invite.sending = true;
    return relay('POST', '/api/sessions/' + encodeURIComponent(c.session.sessionId) + '/invite', {
      to: [to],
    }).then(
      function () {
        c.invite.sending = false;
        c.invite.sentTo = to;
        spUtil.addInfoMessage('Invitation sent to ' + to);
      },
      function (res) {
        c.invite.sending = false;
        c.invite.error = message(res);
      }
    );
  };

  c.openConsole = function () {
    if (c.session) $window.open(c.session.consoleUrl, 'sightline-console-' + c.session.sessionId);
  };

  /** Re-reads recordings and attendees from the instance (the server script). */
  c.refresh = function () {
    return c.server
      .get({ action: 'refresh', table: c.data.record.table, sys_id: c.data.record.sys_id })
      .then(function (res) {
        var d = res.data;
        if (d.error) {
          c.error = d.error.message;
          return;
        }
        c.data.recordings = d.recordings;
        c.data.sessions = d.sessions;
        c.data.skippedNotes = d.skippedNotes;
      });
  };

  function relay(method, path, body) {
    var request = {
      method: method,
      url: c.data.relayUrl + path,
      withCredentials: true,
      headers: { Accept: 'application/json' },
    };
    if (body !== undefined) request.data = body;
    return $http(request);
  }

  function parseSession(raw) {
    if (!raw || typeof raw !== 'object') return null;
    if (typeof raw.sessionId !== 'string' || !raw.sessionId) return null;
    if (!HTTP_URL.test(raw.joinUrl) || !HTTP_URL.test(raw.consoleUrl)) return null;
    if (typeof raw.status !== 'string') return null;
    return {
      sessionId: raw.sessionId,
      key: typeof raw.key === 'string' && raw.key ? raw.key : null,
      joinUrl: raw.joinUrl,
      consoleUrl: raw.consoleUrl,
      status: raw.status,
      expiresAt: typeof raw.expiresAt === 'string' ? raw.expiresAt : null,
    };
  }

  function message(res) {
    if (res && res.data && typeof res.data.message === 'string') return res.data.message;
    if (!res || res.status <= 0) return 'The Sightline relay is unreachable.';
    if (res.status === 401) return 'Your Sightline sign-in has expired; click Start Screen Share to sign in again.';
    if (res.status === 403) return 'The relay refused: you are not allowed to do that on this record.';
    return 'The Sightline relay answered HTTP ' + res.status + '.';
  }

  function fail(res, state) {
    c.state = state || 'idle';
    c.error = message(res);
  }

  function adopt(session) {
    c.session = session;
    c.state = session.status === 'ended' ? 'ended' : 'active';
    c.invite.sentTo = null;
    if (c.state === 'active') watch(session.sessionId);
  }

  function every(ms, fn) {
    var t = $interval(fn, ms);
    timers.push(t);
    return t;
  }

  function stop(t) {
    $interval.cancel(t);
    timers = timers.filter(function (x) {
      return x !== t;
    });
  }

  // The relay's sign-in page opens in a window; once /api/me answers, start again by itself.
  function signIn() {
    c.state = 'signing_in';
    var returnTo = encodeURIComponent('/api/me');
    var popup = $window.open(c.data.relayUrl + '/auth/servicenow?returnTo=' + returnTo, 'sightline-sign-in');
    if (!popup) return fail({ status: 400, data: { message: 'Allow pop-ups for this site to sign in to Sightline.' } });
    var startedAt = Date.now();
    var busy = false;
    var poll = every(1000, function () {
      if (busy) return;
      if (Date.now() - startedAt > SIGN_IN_TIMEOUT_MS) {
        stop(poll);
        return fail({ status: 400, data: { message: 'Sign-in timed out.' } });
      }
      busy = true;
      relay('GET', '/api/me').then(
        function () {
          busy = false;
          stop(poll);
          c.signedIn = true;
          try {
            popup.close();
          } catch (e) {
            // a window the user moved on with; nothing to clean up
          }
          c.state = 'idle';
          c.start();
        },
        function (res) {
          busy = false;
          if (res.status !== 401) {
            stop(poll);
            return fail(res);
          }
          if (popup.closed) {
            stop(poll);
            fail({ status: 400, data: { message: 'Sign-in was not completed.' } });
          }
        }
      );
    });
  }

  // Live status from the relay while the session runs.
  function watch(sessionId) {
    var busy = false;
    var poll = every(c.data.pollSeconds * 1000, function () {
      if (c.state !== 'active' || !c.session || c.session.sessionId !== sessionId) return stop(poll);
      if (busy) return;
      busy = true;
      relay('GET', '/api/sessions/' + encodeURIComponent(sessionId)).then(
        function (res) {
          busy = false;
          // { ...session description, session: snapshot } (participants live in the snapshot)
          var snap = res.data || {};
          var live = snap.session && typeof snap.session === 'object' ? snap.session : snap;
          if (typeof snap.status === 'string') c.session.status = snap.status;
          if (typeof snap.key === 'string' && snap.key) c.session.key = snap.key;
          c.participants =
            Object.prototype.toString.call(live.participants) === '[object Array]' ? live.participants : [];
          if (snap.status === 'ended') {
            stop(poll);
            ended();
          }
        },
        function (res) {
          busy = false;
          // The relay forgets a session once it ended and its report went to the write-back.
          if (res.status === 404) {
            stop(poll);
            return ended();
          }
          c.error = message(res);
        }
      );
    });
  }

  // The write-back lands a little after the end: re-read until this session's attendees are noted.
  function ended() {
    if (c.state === 'ended') return;
    c.state = 'ended';
    if (c.session) c.session.status = 'ended';
    var sessionId = c.session && c.session.sessionId;
    var left = WRITE_BACK_POLLS;
    var busy = false;
    var poll = every(c.data.pollSeconds * 1000, function () {
      if (busy) return;
      if (left-- <= 0) return stop(poll);
      busy = true;
      c.refresh().then(
        function () {
          busy = false;
          var noted = (c.data.sessions || []).some(function (s) {
            return s.sessionId === sessionId;
          });
          if (noted) stop(poll);
        },
        function () {
          busy = false;
        }
      );
    });
  }

  // On load: resume the agent's running session on this record, if any.
  if (c.data.canStart && c.data.record) {
    relay('GET', '/api/sessions?crm=servicenow&recordId=' + encodeURIComponent(c.data.record.sys_id)).then(
      function (res) {
        c.signedIn = true;
        var list =
          Object.prototype.toString.call(res.data) === '[object Array]'
            ? res.data
            : (res.data && res.data.sessions) || [];
        for (var i = 0; i < list.length; i++) {
          var s = parseSession(list[i]);
          if (s && s.status !== 'ended') return adopt(s);
        }
      },
      function (res) {
        if (res.status === 401) c.signedIn = false;
        else c.error = message(res);
      }
    );
  }

  $scope.$on('$destroy', function () {
    timers.forEach(function (t) {
      $interval.cancel(t);
    });
    timers = [];
  });
};
