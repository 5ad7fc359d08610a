import { LightningElement, api, wire } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import { createRecord, updateRecord } from 'lightning/uiRecordApi';
import { getObjectInfo } from 'lightning/uiObjectInfoApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import canCreateLeads from '@salesforce/customPermission/Sightline_Create_Leads';
import LEAD_OBJECT from '@salesforce/schema/Lead';
import LEAD_FIRST_NAME from '@salesforce/schema/Lead.FirstName';
import LEAD_LAST_NAME from '@salesforce/schema/Lead.LastName';
import LEAD_EMAIL from '@salesforce/schema/Lead.Email';
import LEAD_PHONE from '@salesforce/schema/Lead.Phone';
import LEAD_COMPANY from '@salesforce/schema/Lead.Company';
import LEAD_SOURCE from '@salesforce/schema/Lead.LeadSource';
import ATTENDEE_ID from '@salesforce/schema/Sightline_Attendee__c.Id';
import ATTENDEE_LEAD from '@salesforce/schema/Sightline_Attendee__c.Lead__c';
import { formatDateTime, normalizeEmail, reduceErrors, splitName } from 'c/sightlineFormat';

import TITLE from '@salesforce/label/c.Sightline_Attendees_Title';
import LOADING from '@salesforce/label/c.Sightline_Loading';
import EMPTY from '@salesforce/label/c.Sightline_Attendees_Empty';
import KNOWN_CONTACT from '@salesforce/label/c.Sightline_Known_Contact';
import KNOWN_LEAD from '@salesforce/label/c.Sightline_Known_Lead';
import UNKNOWN from '@salesforce/label/c.Sightline_Unknown';
import CREATE_LEAD from '@salesforce/label/c.Sightline_Create_Lead';
import LEAD_CREATED from '@salesforce/label/c.Sightline_Lead_Created';
import LEAD_EXISTS from '@salesforce/label/c.Sightline_Lead_Exists';
import NO_EMAIL from '@salesforce/label/c.Sightline_No_Email';
import UNKNOWN_COMPANY from '@salesforce/label/c.Sightline_Unknown_Company';
import ERROR_TITLE from '@salesforce/label/c.Sightline_Error';

/** LeadSource of every Sightline lead, the relay's automatic ones included. */
const LEAD_SOURCE_VALUE = 'Screen Share';

const ATTENDEES = gql`
  query sightlineAttendees($recordId: ID) {
    uiapi {
      query {
        Sightline_Attendee__c(
          where: { Case__c: { eq: $recordId } }
          orderBy: { Joined_At__c: { order: DESC } }
          first: 500
        ) {
          edges {
            node {
              Id
              Name {
                value
              }
              Email__c {
                value
              }
              Phone__c {
                value
              }
              Role__c {
                value
              }
              Joined_At__c {
                value
              }
              Contact__c {
                value
              }
              Lead__c {
                value
              }
            }
          }
        }
      }
    }
  }
`;

// Who the CRM already knows, by email: a Contact, or a Lead that is not converted.
const MATCHES = gql`
  query sightlineAttendeeMatches($emails: [String]) {
    uiapi {
      query {
        Contact(where: { Email: { in: $emails } }, first: 500) {
          edges {
            node {
              Id
              Email {
                value
              }
            }
          }
        }
        Lead(where: { and: [{ Email: { in: $emails } }, { IsConverted: { eq: false } }] }, first: 500) {
          edges {
            node {
              Id
              Email {
                value
              }
            }
          }
        }
      }
    }
  }
`;

const edges = (data, name) => (data && data.uiapi.query[name] ? data.uiapi.query[name].edges : []).map((e) => e.node);
const val = (field) => (field ? field.value : null);

export default class SightlineAttendees extends LightningElement {
  @api recordId;

  labels = { TITLE, LOADING, EMPTY, ERROR_TITLE };
  rows; // attendee rows from the org, one per person
  matches; // {contacts: Map(email -> id), leads: Map(email -> id)}
  error;
  notice;
  leadCreateable = false;
  inFlight = new Set();
  refreshAttendees;
  refreshMatches;

  get attendeesQuery() {
    return ATTENDEES;
  }
  get attendeesVariables() {
    return { recordId: this.recordId };
  }

  @wire(graphql, { query: '$attendeesQuery', variables: '$attendeesVariables' })
  wiredAttendees({ data, errors, refresh }) {
    this.refreshAttendees = refresh;
    if (errors) {
      this.error = reduceErrors(errors);
    } else if (data) {
      this.error = undefined;
      this.rows = this.dedupe(edges(data, 'Sightline_Attendee__c'));
    }
  }

  get emails() {
    return this.rows ? [...new Set(this.rows.map((r) => r.email).filter(Boolean))].sort() : [];
  }
  // The match query runs only once there are emails to look up.
  get matchesQuery() {
    return this.emails.length ? MATCHES : undefined;
  }
  get matchesVariables() {
    return { emails: this.emails };
  }

  @wire(graphql, { query: '$matchesQuery', variables: '$matchesVariables' })
  wiredMatches({ data, errors, refresh }) {
    this.refreshMatches = refresh;
    if (errors) {
      this.error = reduceErrors(errors);
    } else if (data) {
      this.matches = this.indexMatches(data);
    }
  }

  @wire(getObjectInfo, { objectApiName: LEAD_OBJECT })
  wiredLeadInfo({ data }) {
    this.leadCreateable = Boolean(data && data.createable);
  }

  /** One row per person: the same email across several sessions is one attendee. */
  dedupe(nodes) {
    const byKey = new Map();
    for (const n of nodes) {
      const email = normalizeEmail(val(n.Email__c));
      const key = email || `id:${n.Id}`;
      const row = byKey.get(key) || { key, email, ids: [], contactId: null, leadId: null };
      row.ids.push(n.Id);
      // Rows come newest first: keep the newest details, but any link to a Contact/Lead counts.
      row.name = row.name || val(n.Name);
      row.rawEmail = row.rawEmail || val(n.Email__c);
      row.phone = row.phone || val(n.Phone__c);
      row.role = row.role || val(n.Role__c);
      row.joinedAt = row.joinedAt || val(n.Joined_At__c);
      row.contactId = row.contactId || val(n.Contact__c);
      row.leadId = row.leadId || val(n.Lead__c);
      byKey.set(key, row);
    }
    return [...byKey.values()];
  }

  indexMatches(data) {
    const index = (name) => {
      const m = new Map();
      for (const n of edges(data, name)) {
        const e = normalizeEmail(val(n.Email));
        if (e && !m.has(e)) m.set(e, n.Id);
      }
      return m;
    };
    return { contacts: index('Contact'), leads: index('Lead') };
  }

  matchFor(row) {
    if (row.contactId) return { type: 'Contact', id: row.contactId };
    if (row.leadId) return { type: 'Lead', id: row.leadId };
    if (row.email && this.matches) {
      if (this.matches.contacts.has(row.email)) return { type: 'Contact', id: this.matches.contacts.get(row.email) };
      if (this.matches.leads.has(row.email)) return { type: 'Lead', id: this.matches.leads.get(row.email) };
    }
    return null;
  }

  get canCreate() {
    return canCreateLeads === true && this.leadCreateable;
  }

  get view() {
    return (this.rows || []).map((row) => {
      const match = this.matchFor(row);
      const guest = row.role !== 'Agent';
      return {
        key: row.key,
        name: row.name || row.rawEmail || '-',
        email: row.rawEmail,
        phone: row.phone,
        joined: formatDateTime(row.joinedAt),
        known: Boolean(match),
        matchUrl: match ? `/lightning/r/${match.type}/${match.id}/view` : null,
        statusText: match ? (match.type === 'Contact' ? KNOWN_CONTACT : KNOWN_LEAD) : UNKNOWN,
        badgeClass: match ? 'slds-badge slds-theme_success' : 'slds-badge',
        showCreate: guest && !match && this.canCreate && Boolean(row.email) && this.matches !== undefined,
        noEmail: guest && !match && !row.email,
        noEmailText: NO_EMAIL,
        createLabel: CREATE_LEAD,
        creating: this.inFlight.has(row.key),
      };
    });
  }

  get loading() {
    return !this.rows && !this.error;
  }
  get isEmpty() {
    return Array.isArray(this.rows) && this.rows.length === 0;
  }
  get hasRows() {
    return Array.isArray(this.rows) && this.rows.length > 0;
  }

  async handleCreateLead(event) {
    const key = event.currentTarget.dataset.key;
    const row = (this.rows || []).find((r) => r.key === key);
    if (!row || !row.email || this.inFlight.has(key)) return;
    this.inFlight = new Set(this.inFlight).add(key);
    try {
      // Check first, against fresh data: someone may have created the Contact or Lead meanwhile.
      if (this.refreshMatches) await this.refreshMatches();
      if (this.matchFor(row)) {
        this.toast(LEAD_EXISTS, row.rawEmail, 'warning');
        return;
      }
      const { firstName, lastName } = splitName(row.name, row.email);
      const lead = await createRecord({
        apiName: LEAD_OBJECT.objectApiName,
        fields: {
          [LEAD_FIRST_NAME.fieldApiName]: firstName,
          [LEAD_LAST_NAME.fieldApiName]: lastName,
          [LEAD_EMAIL.fieldApiName]: row.rawEmail,
          [LEAD_PHONE.fieldApiName]: row.phone,
          // As Web-to-Lead does: a guest gives no company, and an email domain is not one.
          [LEAD_COMPANY.fieldApiName]: UNKNOWN_COMPANY,
          [LEAD_SOURCE.fieldApiName]: LEAD_SOURCE_VALUE,
        },
      });
      // Link the attendee rows to the new Lead so every later view knows them.
      await Promise.all(
        row.ids.map((id) =>
          updateRecord({ fields: { [ATTENDEE_ID.fieldApiName]: id, [ATTENDEE_LEAD.fieldApiName]: lead.id } }),
        ),
      );
      this.rows = this.rows.map((r) => (r.key === key ? { ...r, leadId: lead.id } : r));
      this.toast(LEAD_CREATED, row.rawEmail, 'success');
      if (this.refreshAttendees) await this.refreshAttendees();
    } catch (e) {
      this.toast(ERROR_TITLE, reduceErrors(e), 'error');
      this.error = reduceErrors(e);
    } finally {
      const next = new Set(this.inFlight);
      next.delete(key);
      this.inFlight = next;
    }
  }

  toast(title, message, variant) {
    this.notice = `${title}: ${message}`;
    this.dispatchEvent(new ShowToastEvent({ title, message, variant }));
  }
}
