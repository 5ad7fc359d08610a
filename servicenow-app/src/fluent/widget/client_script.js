api.controller = function ($scope, $http, $q, $interval, $window, spUtil) {
  // Sightline Screen Share widget, client side. Talks to the relay directly with a short-lived relay
  // bearer token (no cookie: seen from the portal the relay is a third party; CORS without
  // credentials), renewed silently with a rotating refresh token kept in this instance's
  // localStorage; and to its own server script for what the instance holds (recordings, attendees).
  // First sign-in: a sign-in request is made before the click, the click opens the instance's OAuth
  // page through the relay, and the result comes from the relay with the request's secret (the window
  // is never looked at). States: idle -> starting -> (signing_in ->) active -> ended.
  var c = this;
  var STATUS = {
    waiting: 'Waiting for the customer',
    in_progress: 'In progress',
    customer_absent: 'Customer absent',
    ended: 'Ended',
  };
  var HTTP_URL = /^https?:\/\/[^\s"'<>]+$/;
  var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  var WAIT_ROUNDS = 30; // long polls of ~20 s each
  var WRITE_BACK_POLLS = 40;
  var STORE_KEY = 'sightline.relay:' + c.data.relayUrl;
  var timers = [];
  var access = null; // { token, expiresAt }
  var renewing = null;
  var signInRequest = null;

  c.state = 'idle';
  c.error = null;
  c.session = null;
  c.participants = [];
  c.signedIn = null;
  /** A sign-in request is prepared: only then can a click open the sign-in window at once. */
  c.signInReady = false;
  c.deliveries = { awaitingSignIn: 0, failed: [] };
  c.recordRequested = c.data.recordingPolicy === 'always';
  c.invite = { to: (c.data.record && c.data.record.contactEmail) || '', sending: false, sentTo: null, error: null };

  c.statusLabel = function () {
    return c.session ? STATUS[c.session.status] || c.session.status : '';
  };

  /** Start Screen Share: create the session on the relay; a 401 means the agent signs in first. */
  c.start = function () {
    if (!c.data.canStart || c.state === 'starting' || c.state === 'signing_in') return null;
    // Not signed in: the sign-in window must open now, inside the click.
    if (c.signedIn === false) return signIn();
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
        if (res.status === 401) {
          notSignedIn();
          return fail({ status: 401, data: { message: 'Sign in to Sightline again: click Start Screen Share.' } });
        }
        fail(res);
      }
    );
  };

  c.signOut = function () {
    var refresh = storedRefresh();
    var token = access && access.token;
    forget();
    c.session = null;
    c.state = 'idle';
    c.deliveries = { awaitingSignIn: 0, failed: [] };
    notSignedIn();
    return send('POST', '/auth/signout', refresh ? { refreshToken: refresh } : {}, token).then(
      function () {},
      function () {}
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
        c.data.skippedRows = d.skippedRows;
      });
  };

  function storage() {
    try {
      return $window.localStorage || null;
    } catch (e) {
      return null;
    }
  }

  function storedRefresh() {
    var store = storage();
    try {
      var saved = store && JSON.parse(store.getItem(STORE_KEY) || 'null');
      return saved && typeof saved.refreshToken === 'string' && saved.refreshToken ? saved.refreshToken : null;
    } catch (e) {
      return null;
    }
  }

  function validTokens(t) {
    return (
      t && typeof t.accessToken === 'string' && typeof t.refreshToken === 'string' && typeof t.expiresIn === 'number'
    );
  }

  function keep(t) {
    access = { token: t.accessToken, expiresAt: Date.now() + t.expiresIn * 1000 };
    var store = storage();
    if (store) store.setItem(STORE_KEY, JSON.stringify({ refreshToken: t.refreshToken }));
  }

  function forget() {
    access = null;
    var store = storage();
    if (store) store.removeItem(STORE_KEY);
  }

  function send(method, path, body, token) {
    var request = {
      method: method,
      url: c.data.relayUrl + path,
      withCredentials: false,
      headers: { Accept: 'application/json' },
    };
    if (token) request.headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) request.data = body;
    return $http(request);
  }

  /** A live bearer token, renewed once at a time with the stored refresh token; null when signed out. */
  function accessToken(force) {
    if (!force && access && access.expiresAt - 30000 > Date.now()) return $q.when(access.token);
    if (renewing) return renewing;
    var refresh = storedRefresh();
    if (!refresh) return $q.when(null);
    renewing = send('POST', '/auth/token', { refreshToken: refresh }).then(
      function (res) {
        renewing = null;
        if (!validTokens(res.data))
          return $q.reject({ status: 502, data: { message: 'The relay answered an unexpected token.' } });
        keep(res.data);
        return res.data.accessToken;
      },
      function (res) {
        renewing = null;
        if (res.status === 401) {
          forget();
          return null;
        }
        return $q.reject(res);
      }
    );
    return renewing;
  }

  function relay(method, path, body) {
    var signedOut = { status: 401, data: { error: 'sign_in_required', message: 'Sign in to Sightline first.' } };
    return accessToken(false).then(function (token) {
      if (!token) return $q.reject(signedOut);
      return send(method, path, body, token).then(null, function (res) {
        if (res.status !== 401 || !res.data || res.data.error !== 'token_expired') return $q.reject(res);
        return accessToken(true).then(function (renewed) {
          return renewed ? send(method, path, body, renewed) : $q.reject(signedOut);
        });
      });
    });
  }

  /** Creates the sign-in request ahead of the click, so the window opens synchronously in it. */
  function prepare() {
    if (signInRequest && signInRequest.expiresAt - 60000 > Date.now()) return;
    send('POST', '/auth/requests', { crm: 'servicenow', userId: c.data.userId }).then(
      function (res) {
        var d = res.data || {};
        if (typeof d.requestId !== 'string' || typeof d.secret !== 'string') return;
        if (typeof d.signInUrl !== 'string' || d.signInUrl.indexOf(c.data.relayUrl + '/auth/') !== 0) return;
        var expiresAt = Date.parse(d.expiresAt);
        signInRequest = {
          requestId: d.requestId,
          secret: d.secret,
          signInUrl: d.signInUrl,
          expiresAt: isNaN(expiresAt) ? Date.now() + 300000 : expiresAt,
        };
        c.signInReady = true;
      },
      function (res) {
        c.error = message(res);
      }
    );
  }

  function notSignedIn() {
    c.signedIn = false;
    prepare();
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

  // The sign-in window opens here, in the click; its return value is never used (the page may cut
  // window.opener). The relay hands over the result when the instance's OAuth page said yes.
  function signIn() {
    var request = signInRequest;
    if (!request || request.expiresAt - 60000 <= Date.now()) {
      prepare();
      return fail({ status: 400, data: { message: 'Sightline is getting ready; click Start Screen Share again.' } });
    }
    signInRequest = null;
    c.signInReady = false;
    c.state = 'signing_in';
    c.error = null;
    var popup = $window.open(request.signInUrl, 'sightline-sign-in');
    if (!popup) {
      prepare();
      return fail({ status: 400, data: { message: 'Allow pop-ups for this site to sign in to Sightline.' } });
    }
    waitFor(request, WAIT_ROUNDS, popup);
  }

  function waitFor(request, left, popup) {
    if (c.state !== 'signing_in') return;
    if (left <= 0) {
      prepare();
      return fail({ status: 400, data: { message: 'Sign-in was not completed.' } });
    }
    send('POST', '/auth/requests/' + encodeURIComponent(request.requestId) + '/wait', { secret: request.secret }).then(
      function (res) {
        var d = res.data || {};
        if (d.status === 'signed_in' && validTokens(d.tokens)) {
          keep(d.tokens);
          // close() only: nothing else of the window is read (it may be a stand-in or cut off).
          try {
            popup.close();
          } catch (e) {
            // already gone
          }
          c.signedIn = true;
          c.state = 'idle';
          return c.start();
        }
        if (d.status === 'failed') {
          prepare();
          return fail({ status: 403, data: { message: d.message || 'Sign-in failed.' } });
        }
        waitFor(request, left - 1, popup);
      },
      function (res) {
        prepare();
        fail(res);
      }
    );
  }

  /** What waits for a new sign-in, and what could not be delivered to the instance. */
  function loadDeliveries() {
    relay('GET', '/api/me/deliveries').then(
      function (res) {
        var d = res.data || {};
        c.deliveries = {
          awaitingSignIn: typeof d.awaitingSignIn === 'number' ? d.awaitingSignIn : 0,
          failed: Object.prototype.toString.call(d.failed) === '[object Array]' ? d.failed : [],
        };
      },
      function () {}
    );
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
  if (c.data.canStart && c.data.record && !storedRefresh()) {
    notSignedIn();
  } else if (c.data.canStart && c.data.record) {
    relay('GET', '/api/sessions?crm=servicenow&recordId=' + encodeURIComponent(c.data.record.sys_id)).then(
      function (res) {
        c.signedIn = true;
        loadDeliveries();
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
        if (res.status === 401) notSignedIn();
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
