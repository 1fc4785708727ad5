/**
 * deepstream 7's own modules that the bench drivers (lib/deepstream.ts) and the conformance
 * harness (test/conformance/upstream.ts) drive directly: their paths inside the installed
 * packages, written once. Untyped: they are upstream's JavaScript, used as the server uses them.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const DIST = '@deepstream/server/dist/src';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Any = any;

export const C: Any = require(`${DIST}/constants`);
export const { ConfigPermission }: Any = require(`${DIST}/services/permission/valve/config-permission`);
export const MessageProcessor: Any = require(`${DIST}/utils/message-processor`).default;
export const RecordHandler: Any = require(`${DIST}/handlers/record/record-handler`).default;
export const { LocalCache }: Any = require(`${DIST}/services/cache/local-cache`);
export const { NoopStorage }: Any = require(`${DIST}/services/storage/noop-storage`);
export const { WSBinarySocketWrapper }: Any = require(`${DIST}/connection-endpoint/websocket/binary/socket-wrapper-factory`);
export const pathParser: Any = require(`${DIST}/services/permission/valve/path-parser`);
export const ruleParser: Any = require(`${DIST}/services/permission/valve/rule-parser`);
/** Upstream `RuleApplication` (the conformance harness patches it; the cross-reference benchmark counts its runs). */
export const RuleApplication: Any = require(`${DIST}/services/permission/valve/rule-application`).default;
export const messageBuilder: Any = require('@deepstream/protobuf/dist/src/message-builder');
export const messageParser: Any = require('@deepstream/protobuf/dist/src/message-parser');
/** The YAML loader deepstream's config loader uses (js-yaml 3, `safeLoad`). */
export const jsYaml: Any = require('js-yaml');
