import { parseDateTime } from '../../time/instant.js';
import type { ImportReport } from './report-line.js';

/**
 * What the service has refused so far, applied to the lines still to come:
 * `POST /admin/reports` names only the first bad entry of a batch, so a file
 * with many reports of one unknown node would otherwise cost one round trip
 * per line.
 *
 * @example
 * memo.learn(report, 'nodeId', 'nodeId: no node 3f2c...');
 * memo.check(sameNodeLater) // 'nodeId: no node 3f2c...'
 */
export class RejectionMemo {
  private readonly refusedIds = new Map<string, string>();
  /** Reports at or before this instant were refused as too old (the window only moves forward). */
  private tooOld: { at: number; message: string } | undefined;
  /** Reports at or after this instant were refused as too far ahead. */
  private tooFarAhead: { at: number; message: string } | undefined;

  /** Records why the service refused `report`, given the field its message named. */
  learn(report: ImportReport, field: string | undefined, message: string): void {
    if (field === 'nodeId') this.refusedIds.set(`node ${report.nodeId.toLowerCase()}`, message);
    if (field === 'bucketId') this.refusedIds.set(`bucket ${report.bucketId.toLowerCase()}`, message);
    const at = parseDateTime(report.at);
    if (field !== 'at' || at === undefined) return;
    if (/older/.test(message) && (this.tooOld === undefined || at > this.tooOld.at)) this.tooOld = { at, message };
    if (/ahead/.test(message) && (this.tooFarAhead === undefined || at < this.tooFarAhead.at)) this.tooFarAhead = { at, message };
  }

  /** Why the service would refuse `report`, as far as it has said so already. */
  check(report: ImportReport): string | undefined {
    if (this.refusedIds.size > 0) {
      const refused =
        this.refusedIds.get(`node ${report.nodeId.toLowerCase()}`) ??
        this.refusedIds.get(`bucket ${report.bucketId.toLowerCase()}`);
      if (refused !== undefined) return refused;
    }
    if (this.tooOld === undefined && this.tooFarAhead === undefined) return undefined;
    const at = parseDateTime(report.at) ?? Number.NaN;
    if (this.tooOld && at <= this.tooOld.at) return this.tooOld.message;
    if (this.tooFarAhead && at >= this.tooFarAhead.at) return this.tooFarAhead.message;
    return undefined;
  }
}
