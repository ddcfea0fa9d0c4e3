import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type * as TypeScript from "typescript";
import { CACHE_DIR, FROM_SOURCES, PACKAGE_ROOT } from "../packageLayout";

/**
 * From sources, this checkout's tsconfig maps `secured-rest-api` to its sources for every program local
 * mode runs (as tsx resolves it); installed, a program resolves the package as installed.
 */
const REPOSITORY_TSCONFIG = FROM_SOURCES ? path.join(PACKAGE_ROOT, "tsconfig.json") : undefined;
/** The diagnostics ts-node ignores by default (its `ignoreDiagnostics`: 6059, 18002, 18003). */
const TS_NODE_IGNORED_DIAGNOSTICS = [6059, 18002, 18003];
/** Where clean checks are recorded: a tool cache, wiped with node_modules, so a reinstall checks again. */
export const TYPE_CHECK_RECORD = path.join(CACHE_DIR, "typecheck.json");

/** The program does not compile: what `pulumi up` prints instead of running it. */
export class ProgramTypeErrors extends Error {
    constructor(readonly diagnostics: string) {
        super(`Unable to compile TypeScript (pulumi up would refuse the program too):\n${diagnostics}`);
        this.name = "ProgramTypeErrors";
    }
}

/** For each program checked: what the check depended on, the hash of each of its own files, and its errors. */
type CheckRecord = Partial<{
    [program: string]: {
        readonly inputs: string;
        readonly files: { [file: string]: string | undefined };
        /** The formatted diagnostics, when it did not compile. */
        readonly errors?: string;
    };
}>;

/**
 * Type-checks a TypeScript program and the project's own files it imports, as Pulumi's Node.js
 * language host does before running it (ts-node with the project's tsconfig.json, unless
 * `PULUMI_NODEJS_TRANSPILE_ONLY=true` or `noCheck`), and throws {@link ProgramTypeErrors} with the
 * compiler's diagnostics. Each outcome is recorded with the hashes of the files it read, so an
 * unchanged program is not checked again (the first check parses every declaration file it imports,
 * @pulumi/aws's thousands included; later ones only hash a few files).
 */
export function typeCheckProgram(programFile: string, projectDir: string): void {
    if (!/\.[cm]?tsx?$/.test(programFile) || process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true") return;
    const configFile = path.resolve(projectDir, process.env.PULUMI_NODEJS_TSCONFIG_PATH ?? "tsconfig.json");
    const inputs = hash(JSON.stringify([checkInputs(configFile), dependenciesFingerprint(projectDir)]));
    const record = readRecord();
    const previous = record[programFile];
    if (previous?.inputs === inputs && Object.entries(previous.files).every(([f, h]) => fileHash(f) === h)) {
        if (previous.errors !== undefined) throw new ProgramTypeErrors(previous.errors);
        return;
    }

    // Loaded only for a check: the compiler takes a few hundred milliseconds to load, a recorded check none.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof TypeScript;
    const { options, configErrors } = compilerOptions(ts, configFile);
    if ((options as { noCheck?: boolean }).noCheck) return;
    const program = ts.createProgram({ rootNames: [programFile], options, host: compilerHost(ts, options) });
    const ownFiles = program.getSourceFiles().filter((f) => !f.fileName.includes("/node_modules/"));
    // What ts-node reports (its TypeScript language service): each file's syntax and types, never the
    // compiler's option diagnostics (TypeScript 6's deprecations among them), nor declaration emit's.
    const diagnostics = [
        // The tsconfig's own errors (an unknown option), which ts-node throws on too.
        ...configErrors,
        ...ownFiles
            .filter((f) => !f.isDeclarationFile)
            .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ].filter((d) => !TS_NODE_IGNORED_DIAGNOSTICS.includes(d.code));
    const errors = ts
        .sortAndDeduplicateDiagnostics(diagnostics)
        .filter((d) => d.category === ts.DiagnosticCategory.Error);
    const formatted =
        errors.length === 0
            ? undefined
            : ts.formatDiagnostics(errors, {
                  getCurrentDirectory: () => process.cwd(),
                  getCanonicalFileName: (f) => f,
                  getNewLine: () => "\n",
              });
    record[programFile] = {
        inputs,
        files: Object.fromEntries(ownFiles.map((f) => [f.fileName, fileHash(f.fileName)])),
        errors: formatted,
    };
    writeRecord(record);
    if (formatted !== undefined) throw new ProgramTypeErrors(formatted);
}

/**
 * What a check's outcome depends on besides the files it reads: the compiler's version and the text of
 * the tsconfig files that shape it (the project's, a local one it extends, this checkout's paths, from sources).
 */
function checkInputs(configFile: string): (string | undefined)[] {
    const version = (
        JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")) as { version: string }
    ).version;
    const config = fs.existsSync(configFile) ? fs.readFileSync(configFile, "utf8") : "";
    const extended = /"extends"\s*:\s*"(\.[^"]+)"/.exec(config)?.[1];
    return [
        version,
        fileHash(configFile),
        extended === undefined ? undefined : fileHash(path.resolve(path.dirname(configFile), extended)),
        REPOSITORY_TSCONFIG === undefined ? undefined : fileHash(REPOSITORY_TSCONFIG),
        // The project's own installed copy, which the check then reads instead of this checkout.
        ownInstalledCopy(path.dirname(configFile)) ?? "",
    ];
}

/**
 * The project's tsconfig.json (or PULUMI_NODEJS_TSCONFIG_PATH), plus the `secured-rest-api` mapping local
 * mode runs with, and the tsconfig's own errors.
 */
function compilerOptions(
    ts: typeof TypeScript,
    configFile: string,
): { options: TypeScript.CompilerOptions; configErrors: readonly TypeScript.Diagnostic[] } {
    const parsed = fs.existsSync(configFile) ? parsedConfig(ts, configFile) : undefined;
    const options = parsed
        ? parsed.options
        : // Without a tsconfig.json, the language host compiles with defaults like these.
          { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true };
    const repositoryPaths =
        REPOSITORY_TSCONFIG === undefined || ownInstalledCopy(path.dirname(configFile)) !== undefined
            ? {}
            : (parseConfig(ts, REPOSITORY_TSCONFIG).paths ?? {});
    const absolute = Object.fromEntries(
        Object.entries(repositoryPaths).map(([name, targets]) => [
            name,
            targets.map((t) => path.resolve(PACKAGE_ROOT, t)),
        ]),
    );
    // ts-node compiles with declaration emit off whatever the tsconfig says (configuration.js, TS_NODE_COMPILER_OPTIONS).
    return {
        options: {
            ...options,
            paths: { ...options.paths, ...absolute },
            noEmit: true,
            declaration: false,
            composite: false,
        },
        configErrors: parsed?.errors ?? [],
    };
}

/**
 * The package as a project outside this checkout installed it itself (its package.json's path and hash),
 * or undefined: `pulumi up` checks such a program against that copy's declarations (skipLibCheck), never
 * against this checkout's sources under the project's compiler options.
 */
function ownInstalledCopy(projectDir: string): string | undefined {
    const relative = path.relative(PACKAGE_ROOT, projectDir);
    const outside = relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
    if (!outside) return undefined;
    for (let dir = projectDir; ; dir = path.dirname(dir)) {
        const manifest = path.join(dir, "node_modules", "secured-rest-api", "package.json");
        if (fs.existsSync(manifest)) return `${manifest} ${fileHash(manifest) ?? ""}`;
        if (path.dirname(dir) === dir) return undefined;
    }
}

function parseConfig(ts: typeof TypeScript, configFile: string): TypeScript.CompilerOptions {
    return parsedConfig(ts, configFile).options;
}

function parsedConfig(ts: typeof TypeScript, configFile: string): TypeScript.ParsedCommandLine {
    const parsed = ts.getParsedCommandLineOfConfigFile(
        configFile,
        {},
        {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (d) => {
                throw new Error(`${configFile}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
            },
        },
    );
    if (!parsed) throw new Error(`${configFile} could not be read.`);
    return parsed;
}

/** Declaration files of installed packages do not change while a process runs: parse each once. */
const installedFiles = new Map<string, TypeScript.SourceFile | undefined>();

function compilerHost(ts: typeof TypeScript, options: TypeScript.CompilerOptions): TypeScript.CompilerHost {
    const host = ts.createCompilerHost(options);
    const read = host.getSourceFile.bind(host);
    return {
        ...host,
        getSourceFile: (fileName, languageVersion, onError, shouldCreate) => {
            if (!fileName.includes("/node_modules/")) return read(fileName, languageVersion, onError, shouldCreate);
            if (!installedFiles.has(fileName))
                installedFiles.set(fileName, read(fileName, languageVersion, onError, shouldCreate));
            return installedFiles.get(fileName);
        },
    };
}

/** What npm installed, for this package and the project: a reinstall may change any declaration file. */
function dependenciesFingerprint(projectDir: string): string {
    return [PACKAGE_ROOT, projectDir]
        .map((dir) => fileHash(path.join(dir, "node_modules/.package-lock.json")) ?? "none")
        .join("+");
}

function hash(text: string | Buffer): string {
    return createHash("sha256").update(text).digest("hex");
}

function fileHash(file: string): string | undefined {
    return fs.existsSync(file) ? hash(fs.readFileSync(file)) : undefined;
}

function readRecord(): CheckRecord {
    try {
        return JSON.parse(fs.readFileSync(TYPE_CHECK_RECORD, "utf8")) as CheckRecord;
    } catch {
        return {}; // no record yet (or a torn one): check again
    }
}

function writeRecord(record: CheckRecord): void {
    fs.mkdirSync(path.dirname(TYPE_CHECK_RECORD), { recursive: true });
    // Written whole and renamed, so a process reading it at the same time never sees half a file.
    const temporary = `${TYPE_CHECK_RECORD}.${process.pid}`;
    const current = Object.fromEntries(Object.entries(record).filter(([program]) => fs.existsSync(program)));
    fs.writeFileSync(temporary, JSON.stringify(current));
    fs.renameSync(temporary, TYPE_CHECK_RECORD);
}
