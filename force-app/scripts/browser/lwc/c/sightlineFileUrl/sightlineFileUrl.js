// Sandbox build: the sandbox serves file bytes at the REST VersionData resource (same origin, UI cookie).
import { mountInfo } from '../../../lib/mount.js';

export function versionDownloadUrl(versionId) {
  return `/services/data/v${mountInfo().apiVersion}/sobjects/ContentVersion/${encodeURIComponent(versionId)}/VersionData`;
}
