// Finds what a Lightning web component refers to in the org (schema, labels, custom permissions,
// Apex, other components, and the objects and fields of its GraphQL queries) and reports each
// reference the source does not define.
import { checkFieldPath, objectExists, type SourceIndex } from './sourceIndex.ts';

const IMPORT = /import\s+(?:[\w{}\s,*]+\s+from\s+)?['"]([^'"]+)['"]/g;

export function importProblems(index: SourceIndex, js: string): string[] {
  const problems: string[] = [];
  for (const [, source] of js.matchAll(IMPORT)) {
    const spec = source!;
    if (spec.startsWith('@salesforce/schema/')) {
      const [object, ...path] = spec.slice('@salesforce/schema/'.length).split('.');
      if (path.length === 0) {
        if (!objectExists(index, object!)) problems.push(`${spec}: unknown object ${object}`);
      } else {
        const p = checkFieldPath(index, object!, path.join('.'));
        if (p) problems.push(`${spec}: ${p}`);
      }
    } else if (spec.startsWith('@salesforce/label/')) {
      const name = spec.slice('@salesforce/label/'.length);
      if (!name.startsWith('c.') || !index.labels.has(name.slice(2))) problems.push(`${spec}: no such custom label`);
    } else if (spec.startsWith('@salesforce/customPermission/')) {
      const name = spec.slice('@salesforce/customPermission/'.length);
      if (!index.customPermissions.has(name)) problems.push(`${spec}: no such custom permission`);
    } else if (spec.startsWith('@salesforce/apex/')) {
      const [cls, method] = spec.slice('@salesforce/apex/'.length).split('.');
      if (!index.apexMethods.get(cls!)?.has(method!)) problems.push(`${spec}: no such @AuraEnabled Apex method`);
    } else if (spec.startsWith('c/')) {
      if (!index.lwc.has(spec.slice(2))) problems.push(`${spec}: no such component`);
    } else if (spec === '@salesforce/user/Id' || spec === '@salesforce/user/isGuest') {
      // The running user's scoped modules: always present in an org.
    } else if (spec.startsWith('@salesforce/')) {
      problems.push(`${spec}: scoped module this check does not know`);
    }
  }
  return problems;
}

// ---- GraphQL (UI API shape: uiapi { query { Object(args) { edges { node { Field { value } } } } } })

interface Selection {
  name: string;
  args: string[];
  children: Selection[] | null;
}

function tokenize(text: string): string[] {
  return text.match(/\$?[A-Za-z_][\w]*|-?\d+(?:\.\d+)?|"(?:[^"\\]|\\.)*"|[{}()[\]:!,=]/g) ?? [];
}

function parseSelections(tokens: string[], at: { i: number }): Selection[] {
  const out: Selection[] = [];
  if (tokens[at.i] !== '{') throw new Error(`expected { at token ${at.i}`);
  at.i++;
  while (at.i < tokens.length && tokens[at.i] !== '}') {
    const name = tokens[at.i++]!;
    const args: string[] = [];
    if (tokens[at.i] === '(') {
      let depth = 0;
      do {
        const t = tokens[at.i++]!;
        if (t === '(') depth++;
        else if (t === ')') depth--;
        args.push(t);
      } while (depth > 0 && at.i < tokens.length);
    }
    const children = tokens[at.i] === '{' ? parseSelections(tokens, at) : null;
    out.push({ name, args, children });
  }
  at.i++;
  return out;
}

const FILTER_WORDS = new Set([
  'where',
  'orderBy',
  'first',
  'after',
  'scope',
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'in',
  'nin',
  'like',
  'lt',
  'gt',
  'lte',
  'gte',
  'order',
  'nulls',
]);

/** Parses the gql`` texts of a component; every object, selected field and filtered field is checked. */
export function graphqlProblems(index: SourceIndex, js: string): string[] {
  const problems: string[] = [];
  for (const [, text] of js.matchAll(/gql`([^`]*)`/g)) {
    const tokens = tokenize(text!);
    const start = tokens.indexOf('{');
    const root = parseSelections(tokens, { i: start });
    const query = root.find((s) => s.name === 'uiapi')?.children?.find((s) => s.name === 'query');
    if (!query?.children) {
      problems.push('gql query without uiapi { query { ... } }');
      continue;
    }
    for (const obj of query.children) {
      if (!objectExists(index, obj.name)) {
        problems.push(`GraphQL: unknown object ${obj.name}`);
        continue;
      }
      for (let i = 0; i + 1 < obj.args.length; i++) {
        const key = obj.args[i]!;
        if (obj.args[i + 1] === ':' && !FILTER_WORDS.has(key) && /^[A-Za-z]/.test(key)) {
          const p = checkFieldPath(index, obj.name, key);
          if (p) problems.push(`GraphQL filter: ${p}`);
        }
      }
      const node = obj.children?.find((s) => s.name === 'edges')?.children?.find((s) => s.name === 'node');
      for (const field of node?.children ?? []) walk(obj.name, field, '');
    }
    function walk(object: string, sel: Selection, prefix: string): void {
      const path = prefix + sel.name;
      const leaf = !sel.children || sel.children.every((c) => c.name === 'value' || c.name === 'displayValue');
      if (leaf) {
        const p = checkFieldPath(index, object, path);
        if (p) problems.push(`GraphQL: ${p}`);
      } else for (const c of sel.children!) walk(object, c, `${path}.`);
    }
  }
  return problems;
}
