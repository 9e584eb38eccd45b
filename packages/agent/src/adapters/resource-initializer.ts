// resourceToBeInited on this node: create the missing VGs and their declared thin pools (#17), format-if-blank +
// mount the mount points the plan allows, and report every refusal or failure as a Warning event on the NLS (never destroying data).
import { mkdir } from 'node:fs/promises';
import type { NodeLocalStorageSpec } from '@openlocal/crd-types';
import { makeFilesystem, mount, type Executor, type Lvm, type LvmState } from '@openlocal/lvm';
import type { Logger } from 'pino';
import type { StorageReader } from './host-storage.js';
import { planMountInit, planVgInit, type MountInitStep, type VgInitStep } from '../core/init-plan.js';
import { planThinPoolInit, type ThinPoolInitStep } from '../core/thin-pool-plan.js';
import type { EventSink } from '../services/event-sink.js';

export interface ResourceInitializerOptions {
  readonly lvm: Lvm;
  readonly executor: Executor;
  readonly host: StorageReader;
  readonly events: EventSink;
  readonly logger: Logger;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ResourceInitializer {
  constructor(private readonly options: ResourceInitializerOptions) {}

  /** Applies resourceToBeInited; returns true when it changed the node (a VG created, a path mounted). */
  async apply(spec: NodeLocalStorageSpec, state: LvmState, signal?: AbortSignal): Promise<boolean> {
    const vgs = spec.resourceToBeInited?.vgs ?? [];
    const mountpoints = spec.resourceToBeInited?.mountpoints ?? [];
    if (vgs.length === 0 && mountpoints.length === 0) return false;
    const { host } = this.options;
    const mounted = mountpoints.length > 0 ? await host.mountedPaths() : new Set<string>();
    const pendingVgDevices = vgs.filter((vg) => !state.vgs.some((v) => v.name === vg.name)).flatMap((vg) => vg.devices);
    const facts = await host.deviceFacts([...pendingVgDevices, ...mountpoints.map((mp) => mp.device)], signal);
    const vgChanges = await this.applyVgSteps(planVgInit(vgs, state, facts), signal);
    // Planned from the state before this pass: a pool of a VG created just now waits for the next pass.
    const poolChanges = await this.applyThinPoolSteps(planThinPoolInit(vgs, state), signal);
    const mountChanges = await this.applyMountSteps(planMountInit(mountpoints, mounted, facts), signal);
    return vgChanges || poolChanges || mountChanges;
  }

  private async applyThinPoolSteps(steps: readonly ThinPoolInitStep[], signal?: AbortSignal): Promise<boolean> {
    let isChanged = false;
    for (const step of steps) {
      const key = `thinpool/${step.vgName}/${step.name}`;
      if (step.kind === 'refuse') {
        await this.options.events.warnOnce(key, 'CreateThinPoolFailed', `refused to create thin pool ${step.vgName}/${step.name}: ${step.reason}; nothing was changed`);
      } else if (step.kind === 'create') {
        isChanged = (await this.createThinPool(step, signal)) || isChanged;
      }
    }
    return isChanged;
  }

  private async createThinPool(step: { vgName: string; name: string; sizeBytes: number }, signal?: AbortSignal): Promise<boolean> {
    const { vgName, name, sizeBytes } = step;
    try {
      // createThinPool checks for device-mapper first: on a host without it the event says so and nothing is made.
      await this.options.lvm.createThinPool({ vgName, name, sizeBytes }, signal ? { signal } : {});
      this.options.logger.info({ vg: vgName, pool: name, sizeBytes }, 'created thin pool');
      await this.options.events.normal(`thinpool/${vgName}/${name}`, 'CreatedThinPool', `created thin pool ${vgName}/${name} of ${sizeBytes} bytes`);
      return true;
    } catch (error) {
      this.options.logger.warn({ err: error, vg: vgName, pool: name }, 'thin pool creation failed');
      await this.options.events.warnOnce(`thinpool/${vgName}/${name}`, 'CreateThinPoolFailed', `create thin pool ${vgName}/${name} of ${sizeBytes} bytes failed: ${message(error)}`);
      return false;
    }
  }

  private async applyVgSteps(steps: readonly VgInitStep[], signal?: AbortSignal): Promise<boolean> {
    let isChanged = false;
    for (const step of steps) {
      if (step.kind === 'refuse') {
        await this.options.events.warnOnce(`vg/${step.name}`, 'CreateVGFailed', `refused to create volume group ${step.name}: ${step.reason}; nothing was changed`);
      } else if (step.kind === 'create') {
        isChanged = (await this.createVg(step.name, step.devices, signal)) || isChanged;
      }
    }
    return isChanged;
  }

  private async applyMountSteps(steps: readonly MountInitStep[], signal?: AbortSignal): Promise<boolean> {
    let isChanged = false;
    for (const step of steps) {
      if (step.kind === 'refuse') {
        await this.options.events.warnOnce(`mp/${step.path}`, 'InitMountPointFailed', `refused to initialise mount point ${step.path}: ${step.reason}`);
      } else if (step.kind === 'mount') {
        isChanged = (await this.mountPoint(step, signal)) || isChanged;
      }
    }
    return isChanged;
  }

  private async createVg(name: string, devices: readonly string[], signal?: AbortSignal): Promise<boolean> {
    try {
      await this.options.lvm.createVg({ name, devices: [...devices] }, signal ? { signal } : {});
      this.options.logger.info({ vg: name, devices }, 'created volume group');
      await this.options.events.normal(`vg/${name}`, 'CreatedVG', `created volume group ${name} from ${devices.join(', ')}`);
      return true;
    } catch (error) {
      this.options.logger.warn({ err: error, vg: name }, 'volume group creation failed');
      await this.options.events.warnOnce(`vg/${name}`, 'CreateVGFailed', `create vg ${name} with device ${devices.join(',')} failed: ${message(error)}`);
      return false;
    }
  }

  private async mountPoint(step: { path: string; device: string; fsType: 'ext4' | 'xfs'; isFormatNeeded: boolean; options: readonly string[] }, signal?: AbortSignal): Promise<boolean> {
    const { executor } = this.options;
    const call = signal ? { signal } : {};
    try {
      await mkdir(step.path, { recursive: true });
      if (step.isFormatNeeded) await makeFilesystem(executor, { device: step.device, fsType: step.fsType }, call);
      await mount(executor, { source: step.device, target: step.path, fsType: step.fsType, options: [...step.options] }, call);
      await this.options.events.normal(`mp/${step.path}`, 'InitializedMountPoint', `${step.isFormatNeeded ? 'formatted and ' : ''}mounted ${step.device} (${step.fsType}) at ${step.path}`);
      return true;
    } catch (error) {
      await this.options.events.warnOnce(`mp/${step.path}`, 'InitMountPointFailed', `initialising mount point ${step.path} from ${step.device} failed: ${message(error)}`);
      return false;
    }
  }
}
