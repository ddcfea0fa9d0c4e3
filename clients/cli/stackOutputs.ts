import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { commandLine } from "./command";

/** The program `npm start` runs when none is named. */
export const DEFAULT_PROGRAM = "index.ts";
/** The stack `npm start` and the tools use when none is named. */
export const DEFAULT_STACK = "test";

/**
 * Where local mode keeps what it writes (the outputs files): `.local/` of the folder the tools run in,
 * this repository's root for its npm scripts, a project's own folder for `npx secured-rest-api`.
 * `SECURED_REST_API_LOCAL_DIR` moves it (the tests use their own).
 */
export function localStateDir(): string {
    return path.resolve(process.env.SECURED_REST_API_LOCAL_DIR ?? ".local");
}

/**
 * The outputs file `npm start` writes for a program and stack: `.local/outputs-<stack>.json` for the
 * default `index.ts` (the name the README shows), else `.local/outputs-<program>-<stack>.json` with the
 * program's path (relative to the current folder, without extension) in the name, so two programs
 * running side by side never overwrite each other's file.
 */
export function localOutputsFile(program: string, stack: string): string {
    const relative = path.relative(process.cwd(), path.resolve(program));
    const slug = relative
        .replace(/\.[cm]?[jt]s$/, "")
        .replace(/[^A-Za-z0-9_-]+/g, "-")
        .replace(/^-+|-+$/g, "");
    const name = relative === DEFAULT_PROGRAM ? `outputs-${stack}.json` : `outputs-${slug}-${stack}.json`;
    return path.join(localStateDir(), name);
}

/** Which outputs a tool should read: a file, a program run by `npm start`, a stack; all optional. */
export interface OutputsChoice {
    /** `--outputs`: a JSON file of the shape `pulumi stack output --json --show-secrets` prints. */
    readonly file?: string;
    /** `--program`: the outputs `npm start -- --program <file>` wrote. */
    readonly program?: string;
    /** `--stack`: the Pulumi stack, or the stack local mode ran. @default "test" */
    readonly stack?: string;
}

/** Stack outputs with secrets in clear, and where they were read from (for a line on stderr). */
export interface LocatedOutputs {
    readonly outputs: Record<string, unknown>;
    readonly source: string;
}

/**
 * Finds the stack outputs every tool of this repository reads (`call`, `postman`, `smoke`):
 * 1. `--outputs <file>`;
 * 2. `--program <file>` (with `--stack`): the file `npm start` wrote for that program and stack;
 * 3. `pulumi stack output --json --show-secrets --stack <stack>`, when the Pulumi CLI has that stack;
 * 4. otherwise the outputs files `npm start` wrote in `.local/` (of that stack when `--stack` is given):
 *    the one there is, or an error listing them and how to choose.
 */
export function readStackOutputs(choice: OutputsChoice = {}): LocatedOutputs {
    if (choice.file !== undefined) return { outputs: readOutputsFile(choice.file), source: choice.file };
    const stack = choice.stack ?? DEFAULT_STACK;
    if (choice.program !== undefined) {
        const file = localOutputsFile(choice.program, stack);
        if (!fs.existsSync(file)) {
            throw new Error(
                `No outputs of program ${choice.program}, stack ${stack}: ${displayPath(file)} does not exist. Start it with "${commandLine("start", `--program ${choice.program} --stack ${stack}`)}".`,
            );
        }
        return { outputs: readOutputsFile(file), source: displayPath(file) };
    }
    const pulumi = pulumiStackOutputs(stack);
    if (pulumi.outputs) return { outputs: pulumi.outputs, source: `pulumi stack output --stack ${stack}` };

    const candidates = localOutputsFiles(choice.stack);
    if (candidates.length === 1) {
        return {
            outputs: readOutputsFile(candidates[0]),
            source: `${displayPath(candidates[0])} (written by ${commandLine("start")}; ${pulumi.failure})`,
        };
    }
    if (candidates.length === 0) {
        throw new Error(
            `No stack outputs found: ${pulumi.failure}, and ${displayPath(localStateDir())} holds no outputs file${choice.stack ? ` of stack ${choice.stack}` : ""} (${commandLine("start")} writes one while it serves). Run "${commandLine("start", choice.stack ? `--stack ${choice.stack}` : "")}" in another terminal, or pass --outputs <file>.`,
        );
    }
    throw new Error(
        `Several local outputs files exist (${candidates.map((c) => displayPath(c)).join(", ")}); choose one with --outputs <file>, or with --program <file> [--stack <name>] as given to ${commandLine("start")}.`,
    );
}

/** The outputs files `npm start` has written (and not yet removed), of one stack or all. */
function localOutputsFiles(stack: string | undefined): string[] {
    const dir = localStateDir();
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .filter((name) => /^outputs-.+\.json$/.test(name))
        .filter((name) => stack === undefined || name === `outputs-${stack}.json` || name.endsWith(`-${stack}.json`))
        .sort()
        .map((name) => path.join(dir, name));
}

/** The stack's outputs from the Pulumi CLI, or why they could not be read. */
function pulumiStackOutputs(stack: string): { outputs?: Record<string, unknown>; failure: string } {
    let text: string;
    try {
        text = execFileSync("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
    } catch (e) {
        const error = e as NodeJS.ErrnoException & { stderr?: string };
        const reason =
            error.code === "ENOENT"
                ? "the Pulumi CLI is not installed"
                : `pulumi stack output --stack ${stack} failed: ${(error.stderr ?? error.message).trim().split("\n")[0]}`;
        return { failure: reason };
    }
    return { outputs: parseOutputs(text, `pulumi stack output --stack ${stack}`), failure: "" };
}

function readOutputsFile(file: string): Record<string, unknown> {
    if (!fs.existsSync(file)) throw new Error(`Outputs file ${file} does not exist.`);
    return parseOutputs(fs.readFileSync(file, "utf8"), file);
}

function parseOutputs(text: string, where: string): Record<string, unknown> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        throw new Error(`${where} is not JSON (${(e as Error).message}); expected stack outputs.`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error(`${where} must hold the stack outputs as a JSON object.`);
    return parsed as Record<string, unknown>;
}

/** A path as a user would type it from the current folder (or `from`). */
export function displayPath(file: string, from = process.cwd()): string {
    const relative = path.relative(from, file);
    return relative === "" || relative.startsWith("..") ? file : relative;
}
