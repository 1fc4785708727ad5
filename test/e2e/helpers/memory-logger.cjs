'use strict';
/**
 * A deepstream logger plugin for the end-to-end tests: keeps every entry in memory so a test can
 * read what the server (and the Valve plugin) logged. `VALVE_E2E_LOGS=1` also prints them.
 * Loaded by deepstream through `logger: { path: <this file> }` (deepstream require()s plugins).
 */
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

class MemoryLogger {
  constructor(options, services) {
    this.description = 'memory logger (end-to-end tests)';
    this.services = services;
    this.level = 0;
    this.entries = [];
    this.listeners = new Set();
    this.echo = process.env.VALVE_E2E_LOGS === '1';
  }

  async whenReady() {}

  async close() {}

  setLogLevel(level) {
    this.level = typeof level === 'number' ? level : 0;
  }

  shouldLog(level) {
    return level >= this.level;
  }

  log(level, namespace, event, message) {
    if (level >= this.level) {
      const entry = { level: LEVELS[level], namespace, event: String(event), message: String(message) };
      this.entries.push(entry);
      if (this.echo) process.stderr.write(`[ds ${entry.level}] ${namespace ? `${namespace} | ` : ''}${entry.event} | ${entry.message}\n`);
      for (const listener of this.listeners) listener(entry);
    }
    if (level === 4) this.services.notifyFatalException();
  }

  debug(event, message) { this.log(0, '', event, message); }
  info(event, message) { this.log(1, '', event, message); }
  warn(event, message) { this.log(2, '', event, message); }
  error(event, message) { this.log(3, '', event, message); }
  fatal(event, message) { this.log(4, '', event, message); }

  getNameSpace(namespace) {
    return {
      shouldLog: (level) => this.shouldLog(level),
      debug: (event, message) => this.log(0, namespace, event, message),
      info: (event, message) => this.log(1, namespace, event, message),
      warn: (event, message) => this.log(2, namespace, event, message),
      error: (event, message) => this.log(3, namespace, event, message),
      fatal: (event, message) => this.log(4, namespace, event, message),
    };
  }
}

module.exports = MemoryLogger;
module.exports.default = MemoryLogger;
