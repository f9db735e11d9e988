/**
 * Per-(model, policy) counters, filled by the pool as requests are granted
 * and replicas come and go. Waits are in µs; only positive waits are kept.
 */
import { Floats, type Timeline } from './stats.js';

export class ModelRecorder {
  requests = 0;
  /** Requests that found no ready replica and waited for one to start. */
  coldRequests = 0;
  /**
   * Of those, the ones delayed by the model's first cold start (they arrived
   * before its first replica was ever ready): unavoidable without history.
   */
  firstColdRequests = 0;
  /** Requests that waited for a busy replica (some replica was ready). */
  queuedRequests = 0;
  /** When the first request was granted a replica (µs), i.e. when one was first ready to serve. */
  private firstGrantUs: number | undefined;
  /** Replicas started during the replay (warm ones at the start are not counted). */
  replicaStarts = 0;
  readonly waits = new Floats();
  readonly coldWaits = new Floats();

  constructor(private readonly timeline: Timeline) {}

  arrival(tUs: number): void {
    this.timeline.arrival(tUs);
  }

  granted(waitUs: number, cold: boolean, arrivalUs: number): void {
    this.requests++;
    this.firstGrantUs ??= arrivalUs + waitUs;
    if (waitUs > 0) this.waits.push(waitUs);
    if (cold) {
      this.coldRequests++;
      if (arrivalUs < this.firstGrantUs) this.firstColdRequests++;
      this.coldWaits.push(waitUs);
      this.timeline.coldStart(arrivalUs);
    } else if (waitUs > 0) this.queuedRequests++;
  }

  replicaStarted(warm: boolean): void {
    if (!warm) this.replicaStarts++;
  }

  held(fromUs: number, toUs: number, count: number): void {
    this.timeline.held(fromUs, toUs, count);
  }
}
