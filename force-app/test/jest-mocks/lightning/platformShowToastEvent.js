// lightning/platformShowToastEvent for jest, as in lwc-recipes: a plain event tests can listen for.
export const ShowToastEventName = 'lightning__showtoast';

export class ShowToastEvent extends CustomEvent {
  constructor(toast) {
    super(ShowToastEventName, { composed: true, cancelable: true, bubbles: true });
    Object.defineProperties(this, { toast: { value: toast, writable: false }, detail: { value: toast } });
  }
}
