/** The glassmodes version recorded with every result (kept equal to package.json by a test). */
export const APP_VERSION = '0.1.0';

/** Project folder schema version (docs/PROJECT_FORMAT.md). */
export const PROJECT_SCHEMA_VERSION = 1;
