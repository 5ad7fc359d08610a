import { LightningElement, api, wire } from 'lwc';
import { gql, graphql } from 'lightning/graphql';
import { getRelatedListRecords } from 'lightning/uiRelatedListApi';
import canViewRecordings from '@salesforce/customPermission/Sightline_View_Recordings';
import { versionDownloadUrl } from 'c/sightlineFileUrl';
import { formatDateTime, formatDuration, reduceErrors } from 'c/sightlineFormat';

import TITLE from '@salesforce/label/c.Sightline_Recordings_Title';
import LOADING from '@salesforce/label/c.Sightline_Loading';
import EMPTY from '@salesforce/label/c.Sightline_Recordings_Empty';
import NO_PERMISSION from '@salesforce/label/c.Sightline_No_Manager_Permission';
import AGENT from '@salesforce/label/c.Sightline_Agent';
import ATTENDEES from '@salesforce/label/c.Sightline_Attendees_Label';
import DURATION from '@salesforce/label/c.Sightline_Duration';
import SESSION_LOG from '@salesforce/label/c.Sightline_Session_Log';
import NO_LOG from '@salesforce/label/c.Sightline_No_Log';
import NONE from '@salesforce/label/c.Sightline_None';
import UNAVAILABLE from '@salesforce/label/c.Sightline_Attendees_Unavailable';
import ERROR_TITLE from '@salesforce/label/c.Sightline_Error';

// Recordings are files the relay published to this Case carrying Sightline_Session_Id__c; the
// session's Task (its log) and attendee rows share that id. The Case's files come from its
// ContentDocumentLinks related list, which respects record sharing: a ContentVersion query without
// ids returns only the files the user owns, so a manager or another agent would see none. The
// versions are then read by id.
const FILE_LINKS = 'ContentDocumentLinks';
const LINK_FIELDS = ['ContentDocumentLink.Id', 'ContentDocumentLink.ContentDocument.LatestPublishedVersionId'];

const QUERY = gql`
  query sightlineRecordings($recordId: ID, $versionIds: [ID]) {
    uiapi {
      query {
        ContentVersion(
          where: { and: [{ Id: { in: $versionIds } }, { Sightline_Session_Id__c: { ne: null } }] }
          orderBy: { CreatedDate: { order: DESC } }
          first: 50
        ) {
          edges {
            node {
              Id
              Title {
                value
              }
              CreatedDate {
                value
              }
              FileExtension {
                value
              }
              Sightline_Session_Id__c {
                value
              }
              Sightline_Duration_Seconds__c {
                value
              }
              CreatedBy {
                Name {
                  value
                }
              }
            }
          }
        }
        Task(where: { and: [{ WhatId: { eq: $recordId } }, { Sightline_Session_Id__c: { ne: null } }] }, first: 200) {
          edges {
            node {
              Id
              Sightline_Session_Id__c {
                value
              }
              Description {
                value
              }
            }
          }
        }
      }
    }
  }
`;

// Attendee names have a query of their own: recordings still play for a user who cannot read
// Sightline_Attendee__c, whose names then read as unavailable.
const ATTENDEE_QUERY = gql`
  query sightlineRecordingAttendees($recordId: ID) {
    uiapi {
      query {
        Sightline_Attendee__c(where: { Case__c: { eq: $recordId } }, first: 500) {
          edges {
            node {
              Id
              Name {
                value
              }
              Session_Id__c {
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

export default class SightlineRecordings extends LightningElement {
  @api recordId;

  labels = { TITLE, LOADING, EMPTY, NO_PERMISSION, AGENT, ATTENDEES, DURATION, SESSION_LOG, ERROR_TITLE };
  data; // recordings and tasks
  people; // session id -> attendee names, or null when they could not be read
  versionIds; // the latest version of each file linked to the Case
  linksError;
  error;

  get allowed() {
    return canViewRecordings === true;
  }
  get notAllowed() {
    return !this.allowed;
  }
  // No permission, no query: a wire does not run while a reactive parameter is undefined.
  get linksParent() {
    return this.allowed ? this.recordId : undefined;
  }
  get query() {
    return this.allowed && this.versionIds && this.versionIds.length ? QUERY : undefined;
  }
  get attendeesQuery() {
    return this.allowed ? ATTENDEE_QUERY : undefined;
  }
  get variables() {
    return { recordId: this.recordId, versionIds: this.versionIds };
  }
  get attendeeVariables() {
    return { recordId: this.recordId };
  }

  @wire(getRelatedListRecords, {
    parentRecordId: '$linksParent',
    relatedListId: FILE_LINKS,
    fields: LINK_FIELDS,
    pageSize: 200,
  })
  wiredLinks({ data, error }) {
    if (error) {
      this.linksError = reduceErrors(error);
    } else if (data) {
      this.linksError = undefined;
      const ids = data.records
        .map((r) => {
          const doc = r.fields.ContentDocument && r.fields.ContentDocument.value;
          return doc && doc.fields.LatestPublishedVersionId ? doc.fields.LatestPublishedVersionId.value : null;
        })
        .filter(Boolean);
      this.versionIds = [...new Set(ids)].sort();
    }
  }

  @wire(graphql, { query: '$query', variables: '$variables' })
  wired({ data, errors }) {
    if (errors) {
      this.error = reduceErrors(errors);
      this.data = undefined;
    } else if (data) {
      this.error = undefined;
      this.data = data;
    }
  }

  @wire(graphql, { query: '$attendeesQuery', variables: '$attendeeVariables' })
  wiredAttendees({ data, errors }) {
    if (errors) {
      this.people = null;
    } else if (data) {
      const people = new Map();
      for (const a of edges(data, 'Sightline_Attendee__c')) {
        const id = val(a.Session_Id__c);
        if (!id) continue;
        if (!people.has(id)) people.set(id, []);
        people.get(id).push(val(a.Name));
      }
      this.people = people;
    }
  }

  get recordings() {
    if (this.versionIds && this.versionIds.length === 0) return [];
    return this.data ? this.shape(this.data) : undefined;
  }

  get problem() {
    return this.linksError || this.error;
  }

  attendeesFor(sessionId) {
    if (this.people === null) return UNAVAILABLE;
    const names = (this.people && this.people.get(sessionId)) || [];
    return names.length ? names.filter(Boolean).join(', ') : NONE;
  }

  shape(data) {
    const logs = new Map();
    for (const t of edges(data, 'Task')) {
      const id = val(t.Sightline_Session_Id__c);
      const text = val(t.Description);
      if (id && text && !logs.has(id)) logs.set(id, text);
    }
    return edges(data, 'ContentVersion')
      .map((v) => {
        const sessionId = val(v.Sightline_Session_Id__c);
        const created = val(v.CreatedDate);
        return {
          id: v.Id,
          title: val(v.Title),
          created,
          date: formatDateTime(created),
          duration: formatDuration(val(v.Sightline_Duration_Seconds__c)) || '-',
          agent: (v.CreatedBy && val(v.CreatedBy.Name)) || '-',
          attendees: this.attendeesFor(sessionId),
          url: versionDownloadUrl(v.Id),
          log: logs.get(sessionId) || NO_LOG,
        };
      })
      .sort((a, b) => String(b.created).localeCompare(String(a.created)));
  }

  get loading() {
    return this.allowed && !this.recordings && !this.problem;
  }
  get isEmpty() {
    return Array.isArray(this.recordings) && this.recordings.length === 0;
  }
  get hasRecordings() {
    return Array.isArray(this.recordings) && this.recordings.length > 0;
  }
}
