// Sightline Screen Share widget, server side. Reads what the platform holds about the record:
// who may use the widget, the relay URL, the recordings attached to the record, and the attendees
// the relay wrote into the app's attendee table. Sessions themselves live on the relay, which the browser
// calls directly with the agent's relay sign-in; nothing here writes to the instance.
(function () {
  var SCOPE = 'x_sightline_share';
  var TABLES = { incident: true, sn_customerservice_case: true };
  var SYS_ID = /^[0-9a-f]{32}$/;
  var HTTP_URL = /^https?:\/\/[^\s"'<>]+$/;
  var RECORDING_NAME = /^sightline-[A-Za-z0-9._-]{1,200}\.(webm|mp4)$/i;
  var ATTENDEE_TABLE = SCOPE + '_attendee';
  var ROLES = { host: true, agent: true, guest: true };
  var MAX_ATTENDEE_ROWS = 500;
  var MAX_RECORDINGS = 50;

  data.error = null;
  data.record = null;
  data.recordings = [];
  data.sessions = [];
  data.skippedRows = 0;
  data.relayUrl = String(gs.getProperty(SCOPE + '.relay_url', '') || '').replace(/\/+$/, '');
  data.recordingPolicy = String(gs.getProperty(SCOPE + '.recording', 'host') || 'host');
  data.canStart = gs.hasRole(SCOPE + '.agent');
  // The relay completes a sign-in request only for this user (the hand-off in the client script).
  data.userId = String(gs.getUserID());
  data.canReview = data.canStart || gs.hasRole(SCOPE + '.manager');
  data.pollSeconds = clampInt(options.poll_seconds, 3, 1, 60);

  if (!data.canReview)
    return fail('not_authorized', 'Sightline is available to x_sightline_share.agent and .manager only.');
  if (input && input.action !== undefined && input.action !== 'refresh')
    return fail('bad_input', 'Unknown action: ' + String(input.action).slice(0, 40));
  if (!HTTP_URL.test(data.relayUrl)) {
    data.canStart = false;
    data.relayUrl = '';
    data.relayMissing = true;
  }
  if (['host', 'always', 'never'].indexOf(data.recordingPolicy) < 0) data.recordingPolicy = 'host';

  var table = first(input && input.table, $sp.getParameter('table'), options.table, 'incident');
  var sysId = first(input && input.sys_id, $sp.getParameter('sys_id'), options.sys_id, '');
  if (!TABLES.hasOwnProperty(table))
    return fail('unsupported_table', 'Sightline works on incidents and cases, not ' + table + '.');
  if (!new GlideRecord(table).isValid()) return fail('unsupported_table', 'This instance has no ' + table + ' table.');
  if (!SYS_ID.test(sysId)) return fail('no_record', 'Open the widget with ?table=incident&sys_id=<32 hex characters>.');

  var rec = new GlideRecordSecure(table);
  if (!rec.get(sysId)) return fail('not_found', 'No ' + table + ' ' + sysId + ' that you can read.');
  data.record = {
    table: table,
    sys_id: rec.getUniqueValue(),
    number: rec.getValue('number') || '',
    shortDescription: rec.getValue('short_description') || '',
    contactEmail: contactEmail(rec),
  };
  // The relay's create request names no table (it reads incidents): cases are review-only for now.
  if (table !== 'incident' && data.canStart) {
    data.canStart = false;
    data.startNote = 'Start sessions from the incident form; on cases this widget shows recordings and attendees.';
  }
  if (options.show_recordings !== false && options.show_recordings !== 'false')
    data.recordings = recordings(table, sysId);
  if (options.show_attendees !== false && options.show_attendees !== 'false') data.sessions = sessionsFromTable(sysId);

  function fail(code, message) {
    data.error = { code: code, message: message };
    data.canStart = false;
  }

  function first() {
    for (var i = 0; i < arguments.length; i++) {
      var v = arguments[i];
      if (v !== undefined && v !== null && String(v) !== '') return String(v);
    }
    return '';
  }

  function clampInt(value, fallback, min, max) {
    var n = parseInt(value, 10);
    if (isNaN(n)) return fallback;
    return Math.min(max, Math.max(min, n));
  }

  // The caller of an incident, the contact of a case: the default invite address.
  function contactEmail(record) {
    var userId = record.getValue(table === 'incident' ? 'caller_id' : 'contact');
    if (!userId || !SYS_ID.test(userId)) return '';
    var user = new GlideRecordSecure(table === 'incident' ? 'sys_user' : 'customer_contact');
    if (!user.get(userId)) return '';
    return user.getValue('email') || '';
  }

  function recordings(tableName, recordId) {
    var pattern = String(gs.getProperty(SCOPE + '.attachment_url', '/sys_attachment.do?sys_id={sys_id}'));
    var att = new GlideRecordSecure('sys_attachment');
    att.addQuery('table_name', tableName);
    att.addQuery('table_sys_id', recordId);
    att.addQuery('file_name', 'STARTSWITH', 'sightline-');
    att.orderByDesc('sys_created_on');
    att.setLimit(MAX_RECORDINGS);
    att.query();
    var list = [];
    while (att.next()) {
      var name = att.getValue('file_name') || '';
      if (!RECORDING_NAME.test(name)) continue;
      var id = att.getUniqueValue();
      list.push({
        sys_id: id,
        fileName: name,
        contentType: att.getValue('content_type') || (/\.mp4$/i.test(name) ? 'video/mp4' : 'video/webm'),
        sizeBytes: parseInt(att.getValue('size_bytes'), 10) || 0,
        createdOn: att.getValue('sys_created_on') || '',
        url: pattern.split('{sys_id}').join(encodeURIComponent(id)),
      });
    }
    return list;
  }

  // The attendee rows the relay writes at the end of each session (README "What the relay writes
  // back"): one per person, grouped by session, newest session first. The work note is for people.
  function sessionsFromTable(recordId) {
    var row = new GlideRecordSecure(ATTENDEE_TABLE);
    if (!row.isValid()) return [];
    row.addQuery('incident', recordId);
    row.orderByDesc('session_started');
    row.orderBy('joined_at');
    row.setLimit(MAX_ATTENDEE_ROWS);
    row.query();
    var bySession = {};
    var list = [];
    while (row.next()) {
      var sessionId = row.getValue('session_id') || '';
      var role = row.getValue('role') || '';
      if (!text(sessionId, 1, 100) || !ROLES.hasOwnProperty(role)) {
        data.skippedRows++;
        gs.warn('Sightline: ignored a malformed attendee row ' + row.getUniqueValue());
        continue;
      }
      var s = bySession[sessionId];
      if (!s) {
        s = bySession[sessionId] = {
          sessionId: sessionId,
          startedAt: row.getValue('session_started') || '',
          endedAt: row.getValue('session_ended') || '',
          endReason: row.getValue('end_reason') || '',
          recording: row.getValue('recording') || '',
          attendees: [],
        };
        list.push(s);
      }
      s.attendees.push({
        role: role,
        name: row.getValue('name') || '',
        email: row.getValue('email') || '',
        phone: row.getValue('phone') || '',
        joinedAt: row.getValue('joined_at') || '',
        leftAt: row.getValue('left_at') || '',
      });
    }
    return list;
  }

  function text(v, min, max) {
    return typeof v === 'string' && v.length >= min && v.length <= max;
  }
})();
