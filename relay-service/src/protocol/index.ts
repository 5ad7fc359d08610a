// The wire protocol: the one source of truth for relay, web pages and desktop client.
export * from './frame.ts';
export * from './messages.ts';
export * from './sessionPatch.ts';
export * from './http.ts';
export * from './desktop.ts';
export * from './agentAuth.ts';
export * from './admin.ts';
