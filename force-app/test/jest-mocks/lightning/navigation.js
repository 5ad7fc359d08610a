// lightning/navigation for jest, as in lwc-recipes: the mixin records where a component navigated.
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');
let navigatedTo = null;

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference) {
      navigatedTo = pageReference;
    }
    [GenerateUrl](pageReference) {
      return Promise.resolve(`/generated/${JSON.stringify(pageReference)}`);
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;

/** The page reference of the last Navigate call (null when none since the last reset). */
export const getNavigatedTo = () => navigatedTo;
export const resetNavigation = () => {
  navigatedTo = null;
};
