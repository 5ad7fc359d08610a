// Sightline Screen Share widget, server side. Reads what the platform holds about the record:
// who may use the widget, the relay URL, the recordings attached to the record, and the attendees
// the relay wrote into the work notes. Sessions themselves live on the relay, which the browser
// calls directly with the agent's relay sign-in; nothing here writes to the instance.
(function () {
  var SCOPE = 'x_sightline_share';
  var TABLES = { incident: true, sn_customerservice_case: true };
  var SYS_ID = /^[0-9a-f]{32}$/;
  var HTTP_URL = /^https?:\/\/[^\s"'<>]+$/;
  var RECORDING_NAME = /^sightline-[A-Za-z0-9._-]{1,200}\.(webm|mp4)$/i;
  var FENCE_OPEN = '```sightline-attendees';
  var FENCE = /```sightline-attendees[ \t]*\r?\n([\s\S]*?)\r?\n```/g;
  var MARKER = /^\[sightline:(s_[A-Za-z0-9_-]{1,100})\]$/m;
  var SUMMARY_ATTENDEE = /^- (.{1,120}) \((host|agent|guest)\)(?:: (.{1,300}))?; joined (.{1,40}), left (.{1,40})$/;
  var ROLES = { host: true, agent: true, guest: true };
  var MAX_NOTES = 50;
  var MAX_RECORDINGS = 50;

  data.error = null;
  data.record = null;
  data.recordings = [];
  data.sessions = [];
  data.skippedNotes = 0;
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
  if (options.show_attendees !== false && options.show_attendees !== 'false') data.sessions = sessionsFromNotes(sysId);

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

  // Work notes the relay wrote at the end of each session carry a fenced JSON block (README).
  // Work notes the relay wrote at the end of each session (README "What the relay writes back"):
  // a fenced JSON block, or else the relay's plain summary ("Attendees (n):" lines and the
  // [sightline:<sessionId>] marker line).
  function sessionsFromNotes(recordId) {
    var note = new GlideRecordSecure('sys_journal_field');
    note.addQuery('element_id', recordId);
    note.addQuery('element', 'work_notes');
    note.addQuery('value', 'CONTAINS', 'sightline');
    note.orderByDesc('sys_created_on');
    note.setLimit(MAX_NOTES);
    note.query();
    var seen = {};
    var list = [];
    while (note.next()) {
      var text = note.getValue('value') || '';
      var found = text.indexOf(FENCE_OPEN) >= 0 ? blocksOf(text) : MARKER.test(text) ? [parseSummary(text)] : [];
      for (var i = 0; i < found.length; i++) {
        var parsed = found[i];
        if (!parsed) {
          data.skippedNotes++;
          gs.warn('Sightline: ignored a malformed attendees block in work note ' + note.getUniqueValue());
          continue;
        }
        if (seen[parsed.sessionId]) continue;
        seen[parsed.sessionId] = true;
        parsed.noteId = note.getUniqueValue();
        parsed.notedOn = note.getValue('sys_created_on') || '';
        list.push(parsed);
      }
    }
    return list;
  }

  function blocksOf(text) {
    var out = [];
    var match;
    FENCE.lastIndex = 0;
    while ((match = FENCE.exec(text)) !== null) out.push(parseBlock(match[1]));
    return out;
  }

  // The relay's human-readable summary: "- Name (role): email, phone; joined <t>, left <t>".
  function parseSummary(text) {
    var lines = text.split(/\r?\n/);
    var sessionId = MARKER.exec(text)[1];
    var start = -1;
    var out = { sessionId: sessionId, startedAt: '', endedAt: '', endReason: '', recording: '', attendees: [] };
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      var m;
      if ((m = /^Started: (.{1,40})$/.exec(line))) out.startedAt = m[1];
      else if ((m = /^Ended: (.{1,40}?) \(([a-z ]{1,40})\)$/.exec(line))) {
        out.endedAt = m[1];
        out.endReason = m[2].replace(/ /g, '_');
      } else if ((m = /^Recording: (sightline-[A-Za-z0-9._-]{1,200}\.(webm|mp4)), /.exec(line))) out.recording = m[1];
      else if (/^Attendees \(\d+\):$/.test(line)) start = i + 1;
    }
    if (start < 0) return null;
    for (var j = start; j < lines.length && lines[j] !== ''; j++) {
      var a = SUMMARY_ATTENDEE.exec(lines[j]);
      if (!a) return null;
      var details = a[3] ? a[3].split(', ') : [];
      var attendee = { role: a[2], name: a[1], email: '', phone: '', joinedAt: dash(a[4]), leftAt: dash(a[5]) };
      for (var k = 0; k < details.length; k++) {
        if (details[k].indexOf('@') > 0) attendee.email = details[k];
        else attendee.phone = details[k];
      }
      if (!optional(attendee.name, 120) || !optional(attendee.email, 254) || !optional(attendee.phone, 32)) return null;
      out.attendees.push(attendee);
    }
    return out;
  }

  function dash(v) {
    return v === '-' ? '' : v;
  }

  function parseBlock(json) {
    var raw;
    try {
      raw = JSON.parse(json);
    } catch (e) {
      return null;
    }
    if (!raw || typeof raw !== 'object' || raw.v !== 1) return null;
    if (
      !text(raw.sessionId, 1, 100) ||
      Object.prototype.toString.call(raw.attendees) !== '[object Array]' ||
      raw.attendees.length > 200
    )
      return null;
    var attendees = [];
    for (var i = 0; i < raw.attendees.length; i++) {
      var a = raw.attendees[i];
      if (!a || typeof a !== 'object' || !ROLES.hasOwnProperty(a.role)) return null;
      if (!optional(a.name, 120) || !optional(a.email, 254) || !optional(a.phone, 32)) return null;
      if (a.email && !/^[^\s@]+@[^\s@]+$/.test(a.email)) return null;
      if (!optional(a.joinedAt, 40) || !(a.leftAt === null || optional(a.leftAt, 40))) return null;
      attendees.push({
        role: a.role,
        name: a.name || '',
        email: a.email || '',
        phone: a.phone || '',
        joinedAt: a.joinedAt || '',
        leftAt: a.leftAt || '',
      });
    }
    return {
      sessionId: raw.sessionId,
      startedAt: optional(raw.startedAt, 40) ? raw.startedAt || '' : '',
      endedAt: optional(raw.endedAt, 40) ? raw.endedAt || '' : '',
      endReason: optional(raw.endReason, 40) ? raw.endReason || '' : '',
      recording: optional(raw.recording, 220) ? raw.recording || '' : '',
      attendees: attendees,
    };
  }

  function text(v, min, max) {
    return typeof v === 'string' && v.length >= min && v.length <= max;
  }

  function optional(v, max) {
    return v === undefined || v === null || v === '' || text(v, 1, max);
  }
})();
