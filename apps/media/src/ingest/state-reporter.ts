import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { CameraState } from '@borderlens/contracts';
import { GatewayPort } from '../transport/ports';
import type { StateSink } from './video-source';

/**
 * Sends camera state changes to the gateway. A report the gateway did not take (restarting,
 * unreachable) is retried until it does; only the latest state per camera matters.
 */
@Injectable()
export class StateReporter implements StateSink, OnModuleDestroy {
  private readonly log = new Logger(StateReporter.name);
  private readonly pending = new Map<string, { state: CameraState; reason?: string }>();
  private timer?: NodeJS.Timeout;
  retryMs = 5000;

  constructor(private readonly gateway: GatewayPort) {}

  report(cameraId: string, state: CameraState, reason?: string): void {
    this.pending.set(cameraId, { state, reason });
    void this.flush(cameraId);
  }

  private async flush(cameraId: string): Promise<void> {
    const r = this.pending.get(cameraId);
    if (!r) return;
    try {
      await this.gateway.cameraState({ cameraId, state: r.state, ...(r.reason ? { reason: r.reason } : {}) });
      // Only clear if no newer state arrived meanwhile.
      if (this.pending.get(cameraId) === r) this.pending.delete(cameraId);
    } catch (e) {
      this.log.warn(`camera ${cameraId} state not delivered to the gateway (will retry): ${(e as Error).message}`);
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        for (const id of [...this.pending.keys()]) void this.flush(id);
      }, this.retryMs);
    }
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
  }
}
