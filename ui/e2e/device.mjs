// A family's device for the E2E suites: the real `homeplay-device` engine in its own data folder, one step per
// run of the `family_device` binary (tests/src/bin/family_device.rs), each answering one line of JSON.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export class DeviceEngine {
  constructor(bin, dir) {
    this.bin = bin;
    this.dir = dir;
  }

  /** Runs one step; an engine error is returned as `{ error }` rather than thrown, for the checks to read. */
  async run(...args) {
    try {
      const { stdout } = await execFileAsync(this.bin, [this.dir, ...args]);
      return JSON.parse(stdout);
    } catch (e) {
      if (e.stdout) return JSON.parse(e.stdout);
      throw e;
    }
  }
}
