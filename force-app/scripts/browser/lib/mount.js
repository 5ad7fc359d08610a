// The sandbox case page's mount point and what it tells the components (see the sandbox contract).
export const MOUNT_ID = 'sightline-mount';

export function mountInfo() {
  // The page entry, not a component: finding the host page's mount point is its job.
  // eslint-disable-next-line @lwc/lwc/no-document-query
  const el = document.getElementById(MOUNT_ID);
  if (!el) throw new Error(`#${MOUNT_ID} is missing from the page`);
  const { recordId, relayUrl, userId, apiVersion, customPermissions } = el.dataset;
  if (!/^[a-zA-Z0-9]{15,18}$/.test(recordId || '')) throw new Error('data-record-id is not a record id');
  if (!/^\d+\.\d$/.test(apiVersion || '')) throw new Error('data-api-version must look like 62.0');
  return {
    el,
    recordId,
    relayUrl: (relayUrl || '').replace(/\/+$/, ''),
    userId,
    apiVersion,
    // Absent = every Sightline custom permission granted (the sandbox has no permission sets).
    customPermissions: customPermissions === undefined ? null : new Set(customPermissions.split(/[\s,]+/)),
  };
}
