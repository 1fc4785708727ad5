/** The tool's name and home, as SARIF's `tool.driver` states them (its version: packageVersion, cli/package.ts). */
export const TOOL_NAME = 'valve';
export const INFORMATION_URI = 'https://www.npmjs.com/package/valve-toolchain';
