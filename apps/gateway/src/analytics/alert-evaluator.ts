import type { AnalyticsAlertRule, AnalyticsLive, AnalyticsMinute } from '@borderlens/contracts';

/** A rule that has just passed its threshold for its duration. */
export interface RaisedAlert {
  cameraId: string;
  rule: AnalyticsAlertRule;
  value: number;
  at: Date;
}

interface RuleState {
  /** Since when the value has been above the threshold (occupancy), or minutes in a row above it (crossing rate). */
  since?: number;
  minutesAbove: number;
  /** Raised and not yet back under the threshold: raised once per episode. */
  raised: boolean;
}

/**
 * Watches a camera's counts against its alert rules: occupancy on every live report (above the
 * threshold continuously for durationSec), crossing rate on every finished minute (crossings per
 * minute above the threshold for ceil(durationSec / 60) minutes in a row, at least one). An alert
 * is raised once per episode and may be raised again after the value went back under.
 */
export class AlertEvaluator {
  private readonly states = new Map<string, RuleState>();

  private state(cameraId: string, rule: AnalyticsAlertRule): RuleState {
    const key = `${cameraId}|${rule.id}|${rule.kind}|${rule.targetId}|${rule.threshold}|${rule.durationSec}`;
    let s = this.states.get(key);
    if (!s) this.states.set(key, (s = { minutesAbove: 0, raised: false }));
    return s;
  }

  live(report: AnalyticsLive, rules: AnalyticsAlertRule[]): RaisedAlert[] {
    const at = Date.parse(report.at);
    const raised: RaisedAlert[] = [];
    for (const rule of rules) {
      if (rule.kind !== 'occupancy') continue;
      const value = report.zones.filter((z) => z.targetId === rule.targetId && rule.classes.includes(z.cls)).reduce((n, z) => n + z.count, 0);
      const s = this.state(report.cameraId, rule);
      if (value <= rule.threshold) {
        s.since = undefined;
        s.raised = false;
        continue;
      }
      s.since ??= at;
      if (!s.raised && at - s.since >= rule.durationSec * 1000) {
        s.raised = true;
        raised.push({ cameraId: report.cameraId, rule, value, at: new Date(at) });
      }
    }
    return raised;
  }

  /** The finished minutes of one camera and minute. */
  minute(cameraId: string, minute: string, rows: AnalyticsMinute[], rules: AnalyticsAlertRule[]): RaisedAlert[] {
    const raised: RaisedAlert[] = [];
    for (const rule of rules) {
      if (rule.kind !== 'crossing-rate') continue;
      const value = rows
        .filter((r) => r.kind === 'line' && r.targetId === rule.targetId && rule.classes.includes(r.cls) && (!rule.direction || r.direction === rule.direction))
        .reduce((n, r) => n + (r.crossings ?? 0), 0);
      const s = this.state(cameraId, rule);
      if (value <= rule.threshold) {
        s.minutesAbove = 0;
        s.raised = false;
        continue;
      }
      s.minutesAbove++;
      if (!s.raised && s.minutesAbove >= Math.max(1, Math.ceil(rule.durationSec / 60))) {
        s.raised = true;
        raised.push({ cameraId, rule, value, at: new Date(Date.parse(minute) + 60_000) });
      }
    }
    return raised;
  }
}
