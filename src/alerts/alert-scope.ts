import type { AlertRuleRecord } from '../store/alert-rule-store.js';

/** Rules, and which buckets belong to which workspace, as one instance last read them. */
export class AlertScope {
  private byWorkspace = new Map<string, AlertRuleRecord[]>();
  private readonly bucketWorkspace = new Map<string, string>();
  rules: AlertRuleRecord[] = [];

  setRules(rules: AlertRuleRecord[]): void {
    this.rules = rules;
    this.byWorkspace = new Map();
    for (const rule of rules) this.byWorkspace.set(rule.workspaceId, [...(this.byWorkspace.get(rule.workspaceId) ?? []), rule]);
  }

  /** Buckets never move between workspaces: a bucket once seen stays known until it is deleted. */
  knowBucket(bucketId: string, workspaceId: string): void {
    this.bucketWorkspace.set(bucketId, workspaceId);
  }

  forgetBucket(bucketId: string): void {
    this.bucketWorkspace.delete(bucketId);
  }

  workspaceIds(): string[] {
    return [...this.byWorkspace.keys()];
  }

  workspaceOf(bucketId: string): string | undefined {
    return this.bucketWorkspace.get(bucketId);
  }

  /** The rules of the bucket's workspace that cover it and ask for one of `events`. */
  rulesFor(bucketId: string, events: readonly string[]): AlertRuleRecord[] {
    const workspaceId = this.bucketWorkspace.get(bucketId);
    if (workspaceId === undefined) return [];
    const rules = this.byWorkspace.get(workspaceId);
    if (!rules) return [];
    return rules.filter(
      (rule) => (rule.bucketIds.length === 0 || rule.bucketIds.includes(bucketId)) && rule.events.some((e) => events.includes(e)),
    );
  }
}

export const NODE_EVENTS = ['node.down', 'node.up'] as const;
