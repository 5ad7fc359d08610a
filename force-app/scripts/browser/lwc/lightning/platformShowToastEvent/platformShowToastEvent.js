// lightning/platformShowToastEvent for the sandbox build; case-page.js shows these toasts.
export class ShowToastEvent extends CustomEvent {
  constructor(toast) {
    super('lightning__showtoast', { bubbles: true, composed: true, cancelable: true, detail: toast });
  }
}
