import * as path from "path";

/** Whether local mode runs from its TypeScript sources (this checkout, through tsx) or compiled (bin/, as installed). */
export const FROM_SOURCES = path.extname(__filename) === ".ts";

/** The package's root, which holds its package.json: this checkout, or where a project installed it. */
export const PACKAGE_ROOT = path.resolve(__dirname, FROM_SOURCES ? ".." : "../..");

/**
 * Local mode's tool cache (the type check's record, the managed policies' extract): `.cache/secured-rest-api`
 * in the node_modules folder the package is installed in, or this checkout's own; wiped with it.
 */
export const CACHE_DIR = path.join(
    path.basename(path.dirname(PACKAGE_ROOT)) === "node_modules"
        ? path.dirname(PACKAGE_ROOT)
        : path.join(PACKAGE_ROOT, "node_modules"),
    ".cache/secured-rest-api",
);

/** A module of local mode next to `dir`, in the form this code runs as (`name.ts` from sources, `name.js` compiled). */
export function ownModule(dir: string, name: string): string {
    return path.join(dir, `${name}${path.extname(__filename)}`);
}

/**
 * The code a fresh thread or process (`-e`, `eval: true`) runs to load one of local mode's own modules:
 * from sources through this checkout's tsx, resolved here by absolute path (the current folder, a user's
 * project, need not resolve it), else the compiled module as is. With a namespace, tsx compiles only what
 * that module loads, so anything else the process loads (a Lambda handler) loads as in plain Node.js.
 */
export function loaderCode(file: string, namespace?: string): string {
    const target = JSON.stringify(file);
    if (!file.endsWith(".ts")) return `require(${target});`;
    const tsx = JSON.stringify(require.resolve("tsx/cjs/api"));
    return namespace === undefined
        ? `require(${tsx}).register(); require(${target});`
        : `require(${tsx}).register({ namespace: ${JSON.stringify(namespace)} }).require(${target}, ${target});`;
}
