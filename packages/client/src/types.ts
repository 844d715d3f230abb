// The request and answer types, one file per resource, under one import as the platform's client has them.
export type * from './account-types.js';
export type * from './alert-types.js';
export type * from './bucket-types.js';
export type * from './common-types.js';
export type * from './history-types.js';
export type * from './maintenance-types.js';
export type * from './node-report-types.js';
export type * from './node-types.js';
export type * from './sla-types.js';
export type * from './stats-types.js';
export type * from './workspace-types.js';
