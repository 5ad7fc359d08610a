// Where a ContentVersion's bytes are served in Lightning Experience. A module of its own so the local
// browser build can swap in the REST VersionData URL that the CRM sandbox serves.
export function versionDownloadUrl(versionId) {
  return `/sfc/servlet.shepherd/version/download/${encodeURIComponent(versionId)}`;
}
