// "Start Screen Share" on the incident form: opens the relay's agent console for this record.
// The relay creates (or resumes) the agent's session there and signs the agent in first if needed.
function sightlineStartScreenShare() {
  var relay = String(g_scratchpad.x_sightline_share_relay_url || '').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(relay)) {
    g_form.addErrorMessage('Sightline: the relay URL (x_sightline_share.relay_url) is not configured.');
    return false;
  }
  var url = relay + '/console/new?crm=servicenow&recordId=' + encodeURIComponent(g_form.getUniqueValue());
  var opened = window.open(url, 'sightline-console-' + g_form.getUniqueValue());
  if (!opened) g_form.addErrorMessage('Sightline: allow pop-ups for this instance to open the agent console.');
  return false;
}
