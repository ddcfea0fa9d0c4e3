import { parseArgs, ParseArgsConfig } from "util";
import { closestName } from "../../components/args/argumentNames";

type ParseArgsOptionConfig = NonNullable<ParseArgsConfig["options"]>[string];

/** What parseCommandLine returns for a command's options: parseArgs's own typing. */
export type ParsedCommandLine<Options extends Record<string, OptionSpec>> = ReturnType<
    typeof parseArgs<{ options: Options; strict: true; allowPositionals: true }>
>;

/** One option of a command: `parseArgs`'s own settings plus what `--help` says about it. */
export type OptionSpec = ParseArgsOptionConfig & {
    /** One line for `--help`. */
    readonly description: string;
    /** What the value stands for in `--help`, e.g. `<file>`. @default "<value>" for string options */
    readonly placeholder?: string;
};

/** A command line tool of this project: what it parses and what `--help` prints. */
export interface Command<Options extends Record<string, OptionSpec>> {
    /** Short name, used as the prefix of its error messages and to run it, e.g. `call`. */
    readonly name: string;
    /** The synopsis after the command itself (see {@link commandLine}), e.g. `<METHOD> <path> [options]`. */
    readonly usage: string;
    /** What the command does, in a sentence or two. */
    readonly summary: string;
    readonly options: Options;
    /** Arguments of commands a user can copy as they are (printed after the command itself). */
    readonly examples: readonly string[];
    /** How many positional arguments it takes. @default { min: 0, max: 0 } */
    readonly positionals?: { readonly min: number; readonly max: number };
    /** Exit code for a failure that is not a usage error. @default 1 */
    readonly failureExitCode?: number;
}

/** Whether the tools run through the package's bin (a project that installed it), not this repository's npm scripts. */
let throughBin = false;

/** The package's bin says so before it loads a tool, so every message shows how to run the tools from there. */
export function runThroughBin(): void {
    throughBin = true;
}

/**
 * A tool's command line as the person types it: `npx secured-rest-api call GET /pets` in a project that
 * installed the package, `npm run call -- GET /pets` (`npm start -- …`) in this repository.
 */
export function commandLine(tool: string, args = ""): string {
    const command = throughBin ? `npx secured-rest-api ${tool}` : tool === "start" ? "npm start" : `npm run ${tool}`;
    if (args === "") return command;
    return throughBin ? `${command} ${args}` : `${command} -- ${args}`;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** Exit code of a usage error, as most Unix tools use it. */
export const USAGE_EXIT_CODE = 2;

/** The `--help` text: synopsis, summary, every option, examples. */
export function helpText<Options extends Record<string, OptionSpec>>(command: Command<Options>): string {
    const rows: [string, string][] = Object.entries(command.options).map(([name, option]) => {
        const flag = `${option.short ? `-${option.short}, ` : "    "}--${name}`;
        const value = option.type === "string" ? ` ${option.placeholder ?? "<value>"}` : "";
        const repeat = option.multiple ? " (repeatable)" : "";
        const fallback = option.default !== undefined ? ` (default ${JSON.stringify(option.default)})` : "";
        return [flag + value, option.description + repeat + fallback];
    });
    rows.push(["-h, --help", "print this help"]);
    const width = Math.max(...rows.map(([flag]) => flag.length));
    return [
        `usage: ${commandLine(command.name, command.usage)}`,
        "",
        ...wrap(command.summary, 100),
        "",
        "Options:",
        ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
        "",
        "Examples:",
        ...command.examples.map((e) => `  ${commandLine(command.name, e)}`),
        "",
    ].join("\n");
}

/** Words in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
        if (line !== "" && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
        } else line = line === "" ? word : `${line} ${word}`;
    }
    return [...lines, line];
}

/**
 * Parses the command line strictly. `--help` prints the help and exits 0; an unknown option, a
 * missing value or a wrong number of arguments prints what is wrong and the help, and exits 2.
 */
export function parseCommandLine<Options extends Record<string, OptionSpec>>(
    command: Command<Options>,
    args: readonly string[] = process.argv.slice(2),
): ParsedCommandLine<Options> {
    const positionals = command.positionals ?? { min: 0, max: 0 };
    const wantsHelp = () => {
        process.stdout.write(helpText(command));
        process.exit(0);
    };
    let parsed;
    try {
        parsed = parseArgs({
            args: [...args],
            options: { ...command.options, help: { type: "boolean", short: "h" } },
            allowPositionals: positionals.max > 0,
            strict: true,
        });
    } catch (e) {
        if (args.includes("--help") || args.includes("-h")) wantsHelp();
        return usageFailure(command, describeParseError(e, Object.keys(command.options)));
    }
    if ((parsed.values as { help?: boolean }).help) wantsHelp();
    const count = parsed.positionals.length;
    if (count < positionals.min) usageFailure(command, "missing arguments");
    if (count > positionals.max)
        usageFailure(command, `unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])}`);
    return parsed;
}

/** Node's parseArgs messages, reworded without their advice about positional arguments; a misspelt option gets the closest. */
function describeParseError(e: unknown, options: readonly string[]): string {
    const error = e as NodeJS.ErrnoException;
    const option = /'(-[^' ]+)/.exec(error.message)?.[1];
    switch (error.code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
            const meant = option?.startsWith("--") ? closestName(option.slice(2), [...options, "help"]) : undefined;
            return `unknown option ${option ?? error.message}${meant ? `; did you mean --${meant}?` : ""}`;
        }
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
            return option ? `option ${option} needs a value` : error.message;
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ""}`.trim();
        default:
            // Not a mistake of the caller: our own option table is wrong. Say so loudly.
            throw e;
    }
}

function usageFailure<Options extends Record<string, OptionSpec>>(command: Command<Options>, message: string): never {
    process.stderr.write(`${command.name}: ${message}\n\n${helpText(command)}`);
    process.exit(USAGE_EXIT_CODE);
}

/**
 * A number option: undefined when absent, else a finite number within the bounds, or a usage error
 * naming the option and what it accepts.
 */
export function numberOption(
    value: string | undefined,
    option: string,
    rule: { readonly min: number; readonly max?: number; readonly integer?: boolean; readonly what: string },
): number | undefined {
    if (value === undefined) return undefined;
    const n = value.trim() === "" ? NaN : Number(value);
    const ok = Number.isFinite(n) && n >= rule.min && (rule.max === undefined || n <= rule.max);
    if (!ok || (rule.integer && !Number.isInteger(n)))
        throw new UsageError(`--${option} ${JSON.stringify(value)} is not ${rule.what}`);
    return n;
}

/**
 * Runs a command's main function: its exit code on success; a usage error prints the help and exits 2;
 * any other error prints `<name>: <message>` (one line, never a stack) and exits the command's failure code.
 */
export function runCommand<Options extends Record<string, OptionSpec>>(
    command: Command<Options>,
    main: () => Promise<number | void> | number | void,
): void {
    const fail = (e: unknown) => {
        if (e instanceof UsageError) usageFailure(command, e.message);
        process.stderr.write(`${command.name}: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(command.failureExitCode ?? 1);
    };
    try {
        Promise.resolve(main()).then((code) => {
            if (typeof code === "number") process.exit(code);
        }, fail);
    } catch (e) {
        fail(e);
    }
}
