// lightning/navigation for the sandbox build: record pages are the sandbox's /lightning/r/... pages
// (Lightning opens them in a console tab; the sandbox has one page at a time).
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

function urlOf(pageReference) {
  const { type, attributes = {} } = pageReference || {};
  if (type !== 'standard__recordPage' || !attributes.recordId || !attributes.objectApiName) {
    throw new Error(`the sandbox cannot navigate to ${JSON.stringify(pageReference)}`);
  }
  const action = attributes.actionName || 'view';
  return `/lightning/r/${encodeURIComponent(attributes.objectApiName)}/${encodeURIComponent(attributes.recordId)}/${action}`;
}

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference) {
      window.location.assign(urlOf(pageReference));
    }
    [GenerateUrl](pageReference) {
      return Promise.resolve(urlOf(pageReference));
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;
