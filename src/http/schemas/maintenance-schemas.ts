import { Type, type Static } from '@sinclair/typebox';
import { DateTimeOut, Id, Instant, Name, Nullable } from './common-schemas.js';

/** The most windows one `POST /admin/maintenance` takes (sla.md). */
export const MAX_IMPORT_WINDOWS = 10_000;
/** The most nodes one window lists. */
export const MAX_WINDOW_NODES = 1_000;

export const MaintenanceWindowParams = Type.Object({ bucketId: Id, windowId: Id });

const windowFields = {
  nodeIds: Type.Optional(
    Nullable(
      Type.Array(Id, {
        minItems: 1,
        maxItems: MAX_WINDOW_NODES,
        description: `The registered nodes the window covers (1-${MAX_WINDOW_NODES}); left out or null: every node of the bucket`,
      }),
    ),
  ),
  start: Instant("One-off: where it begins; recurring: the rule's first instant"),
  end: Type.Optional(Nullable(Instant('End of a one-off window (exclusive); not with rrule'))),
  rrule: Type.Optional(
    Nullable(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description:
          'RFC 5545 RRULE evaluated in UTC from start (FREQ=WEEKLY;BYDAY=SU;BYHOUR=2), without UNTIL or DTSTART; at most one ' +
          'occurrence a minute; FREQ=MINUTELY/SECONDLY only as a plain period; not with end',
        examples: ['FREQ=WEEKLY;BYDAY=SU'],
      }),
    ),
  ),
  durationMinutes: Type.Optional(
    Nullable(Type.Integer({ minimum: 1, maximum: 1440, description: 'Length of each occurrence; required with rrule' })),
  ),
  until: Type.Optional(
    Nullable(Instant('No occurrence starts after this instant (inclusive); not before start; only with rrule')),
  ),
  reason: Type.Optional(Nullable(Name)),
};

export const MaintenanceWindowRequest = Type.Object(windowFields, {
  description: 'Either {start, end} or {start, rrule, durationMinutes, until?}; optional nodeIds and reason',
  examples: [
    { start: '2030-01-15T06:00:00.000Z', end: '2030-01-15T07:00:00.000Z', reason: 'kernel upgrade' },
    { start: '2030-01-06T02:00:00.000Z', rrule: 'FREQ=WEEKLY;BYDAY=SU', durationMinutes: 60 },
  ],
});
export type MaintenanceWindowRequest = Static<typeof MaintenanceWindowRequest>;

export const MaintenanceWindow = Type.Object({
  id: Id,
  bucketId: Id,
  nodeIds: Nullable(Type.Array(Id, { description: 'null: every node of the bucket' })),
  start: DateTimeOut,
  end: Nullable(DateTimeOut),
  rrule: Nullable(Type.String()),
  durationMinutes: Nullable(Type.Integer()),
  until: Nullable(DateTimeOut),
  reason: Nullable(Type.String()),
  createdAt: DateTimeOut,
  createdBy: Type.String({ description: "The creating user's id, or operator" }),
  imported: Type.Boolean({ description: "True for the operator's import of past windows: not announced ahead" }),
});
export type MaintenanceWindow = Static<typeof MaintenanceWindow>;

export const MaintenanceWindowResponse = Type.Object({ success: Type.Boolean(), window: MaintenanceWindow });
export const MaintenanceWindowsResponse = Type.Object({ success: Type.Boolean(), windows: Type.Array(MaintenanceWindow) });

export const ImportedMaintenanceWindow = Type.Object({ bucketId: Id, ...windowFields });

export const ImportMaintenanceRequest = Type.Object({
  windows: Type.Array(ImportedMaintenanceWindow, {
    maxItems: MAX_IMPORT_WINDOWS,
    description: `At most ${MAX_IMPORT_WINDOWS} past windows; start may lie in the past`,
  }),
});

export const ImportMaintenanceResponse = Type.Object({
  success: Type.Boolean(),
  imported: Type.Integer({ description: 'How many windows were stored' }),
  ids: Type.Array(Id, { description: 'Their ids, in the order given' }),
});
