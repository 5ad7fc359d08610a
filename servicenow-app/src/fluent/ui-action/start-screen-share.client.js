// "Start Screen Share" on the incident form. A scoped client script may not touch `window`, and a
// call to the relay from the instance's page would need a cross-site cookie: instead the platform's
// own navigation API opens the relay's sign-in window with this incident's sys_id. The agent signs in
// through the instance's OAuth page (PKCE, state bound to that window), the relay reads the incident
// with the agent's own token, creates the session and turns the window into the agent console.
function sightlineStartScreenShare() {
  var relay = String(g_scratchpad.x_sightline_share_relay_url || '').replace(/\/+$/, '');
  var recordId = g_form.getUniqueValue();
  if (!/^https?:\/\/[^\s"'<>]+$/.test(relay)) {
    g_form.addErrorMessage('Sightline: the relay URL (x_sightline_share.relay_url) is not configured.');
    return false;
  }
  if (!/^[0-9a-f]{32}$/.test(recordId)) {
    g_form.addErrorMessage('Sightline: save the incident before starting a screen share.');
    return false;
  }
  // Opened now, inside the click, so pop-up blockers let it through.
  g_navigation.openPopup(
    relay + '/auth/servicenow?start=' + encodeURIComponent(recordId),
    'sightline-console-' + recordId,
    'resizable=yes,scrollbars=yes,width=1200,height=800',
    true
  );
  return false;
}
