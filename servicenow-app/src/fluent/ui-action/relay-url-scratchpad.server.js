(function executeRule(current, previous) {
  g_scratchpad.x_sightline_share_relay_url = gs.getProperty('x_sightline_share.relay_url', '');
})(current, previous);
