import * as fs from "fs";
import * as path from "path";
import { PACKAGE_ROOT } from "./packageLayout";

/** Peers a TypeScript program needs: tsx loads it, typescript checks it as `pulumi up` does. */
const FOR_TYPESCRIPT = new Set(["tsx", "typescript"]);

/**
 * Checks that the packages local mode loads, which the component never does, are installed where this
 * package is: its optional peer dependencies (package.json), so installing the component brings none of
 * them (the IAM simulator is AGPL-3.0). Throws, naming the `npm install -D …` that installs the missing
 * ones at the versions this package supports. A JavaScript program needs neither tsx nor typescript, and
 * one run transpile-only (`PULUMI_NODEJS_TRANSPILE_ONLY=true`) no typescript.
 */
export function assertLocalModeInstalled(program: string): void {
    const typeScript = /\.[cm]?tsx?$/.test(program);
    const missing = Object.keys(peerDependencies()).filter(
        (name) =>
            (!FOR_TYPESCRIPT.has(name) ||
                (typeScript && (name !== "typescript" || process.env.PULUMI_NODEJS_TRANSPILE_ONLY !== "true"))) &&
            !installed(name),
    );
    if (missing.length === 0) return;
    throw new Error(
        `Local mode needs ${missing.join(", ")}, which this project has not installed (optional peer dependencies of secured-rest-api: the component never loads them). Install them as development dependencies:\n  ${installCommand(missing)}`,
    );
}

/** The `npm install -D …` of local mode's packages (all of them, or those named), at the versions this package supports. */
export function installCommand(names: readonly string[] = Object.keys(peerDependencies())): string {
    const ranges = peerDependencies();
    return `npm install -D ${names.map((name) => shellWord(`${name}@${ranges[name]}`)).join(" ")}`;
}

function peerDependencies(): Record<string, string> {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as {
        peerDependencies: Record<string, string>;
    };
    return manifest.peerDependencies;
}

function installed(name: string): boolean {
    try {
        require.resolve(name);
        return true;
    } catch {
        return false;
    }
}

/** A word a POSIX shell passes on as it is: quoted when it holds `>`, `<` or a space. */
function shellWord(word: string): string {
    return /^[\w@/.^~=+-]+$/.test(word) ? word : `'${word}'`;
}
