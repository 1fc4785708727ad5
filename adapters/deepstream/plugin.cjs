'use strict';
/**
 * What deepstream's `permission.path` points at. deepstream loads plugins with require() and
 * constructs them synchronously; Valve is an ES module, so this small class stands in for the
 * plugin (adapters/deepstream/plugin.ts), imports it, and hands every call on once it is there. The
 * server asks whenReady() before it accepts any connection, so no message arrives earlier.
 *
 * Which module is used: the one the process registered under REGISTRY (`valve serve` does, so
 * the server uses the copy already loaded); else, in a source checkout (deepstream.ts beside this
 * file and `tsx` installed), the TypeScript source; otherwise the build, dist/adapters/deepstream/plugin.js.
 */
const { existsSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const REGISTRY = Symbol.for('valve-toolchain.deepstream-plugin');

let implementation;

async function importImplementation() {
  const source = path.join(__dirname, 'plugin.ts');
  if (existsSync(source)) {
    let tsx;
    try {
      // The ES module build of tsx's API: its CommonJS build can not register its loader from here.
      tsx = await import('tsx/esm/api');
    } catch {
      tsx = undefined;
    }
    if (tsx) return tsx.tsImport(pathToFileURL(source).href, __filename);
  }
  const built = [path.join(__dirname, 'plugin.js'), path.join(__dirname, '..', '..', 'dist', 'adapters', 'deepstream', 'plugin.js')].find((f) => existsSync(f));
  if (!built) throw new Error(`the Valve plugin is not built (no dist/adapters/deepstream/plugin.js for ${__dirname}); run \`npm run build\``);
  return import(pathToFileURL(built).href);
}

function loadImplementation() {
  const registered = globalThis[REGISTRY];
  if (registered && typeof registered.ValvePermission === 'function') return Promise.resolve(registered);
  if (!implementation) implementation = importImplementation();
  return implementation;
}

class ValvePermissionLoader {
  constructor(options, services, config) {
    this.description = 'Valve permissions (valve-toolchain)';
    this.services = services;
    this.recordHandler = null;
    this.plugin = null;
    this.ready = loadImplementation().then((module) => {
      this.plugin = new module.ValvePermission(options, services, config);
      if (this.recordHandler) this.plugin.setRecordHandler(this.recordHandler);
    });
    // Reported by whenReady(); this keeps the rejection from counting as unhandled meanwhile.
    this.ready.catch(() => undefined);
  }

  async whenReady() {
    try {
      await this.ready;
    } catch (error) {
      const logger = this.services.logger;
      const log = logger.getNameSpace ? logger.getNameSpace('PERMISSION') : logger;
      log.fatal('PLUGIN_INITIALIZATION_ERROR', `the Valve plugin could not be loaded: ${error && error.message ? error.message : error}; the server will not start`);
      return new Promise(() => undefined);
    }
    await this.plugin.whenReady();
    this.description = this.plugin.description;
  }

  setRecordHandler(recordHandler) {
    this.recordHandler = recordHandler;
    if (this.plugin) this.plugin.setRecordHandler(recordHandler);
  }

  /** Which rules are in force (adapters/deepstream/version.ts); null until the plugin is loaded. */
  status() {
    return this.plugin ? this.plugin.status() : null;
  }

  canPerformAction(socketWrapper, message, callback, passItOn) {
    if (this.plugin) {
      this.plugin.canPerformAction(socketWrapper, message, callback, passItOn);
      return;
    }
    callback(socketWrapper, message, passItOn, 'Valve permissions are not loaded yet', false);
  }

  async close() {
    try {
      await this.ready;
    } catch {
      return;
    }
    await this.plugin.close();
  }
}

module.exports = ValvePermissionLoader;
module.exports.default = ValvePermissionLoader;
module.exports.ValvePermissionLoader = ValvePermissionLoader;
