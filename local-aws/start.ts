import * as fs from "fs";
import * as path from "path";
import { commandLine, numberOption, parseCommandLine, runCommand } from "../clients/cli/command";
import { DEFAULT_PROGRAM, DEFAULT_STACK, displayPath, localOutputsFile } from "../clients/cli/stackOutputs";
import { formatLogEntry } from "./gateway/log";
import type { LocalMode } from "./localMode";
import { FROM_SOURCES } from "./packageLayout";
import { assertLocalModeInstalled } from "./requirements";
import { certificateAuthorityFile, domainLines, exampleGetPath, localEndpoints } from "./tryIt";

const command = {
    name: "start",
    usage: "[options]",
    summary:
        "Runs a Pulumi program that uses SecuredRestApi on the embedded local AWS and serves its APIs on loopback until Ctrl+C or SIGTERM. The project (name, config) is the nearest folder above the program holding Pulumi.yaml. The outputs, secrets in clear, go to a file (mode 600) that is removed when it stops.",
    options: {
        port: {
            type: "string",
            default: "8787",
            placeholder: "<n>",
            description: "port of the first API (each further API takes the next); 0 for free ports",
        },
        "sts-port": {
            type: "string",
            placeholder: "<n>",
            description:
                "port of the local STS and Cognito Identity endpoint (default: --port + 1000; free with --port 0)",
        },
        "domain-port": {
            type: "string",
            placeholder: "<n>",
            description:
                "port of the first custom domain's HTTPS listener (each further domain takes the next; default: --port + 443; free with --port 0)",
        },
        stack: {
            type: "string",
            default: DEFAULT_STACK,
            placeholder: "<name>",
            description: "the stack: its config is Pulumi.<name>.yaml",
        },
        program: {
            type: "string",
            default: DEFAULT_PROGRAM,
            placeholder: "<file>",
            description: "the program, relative to the current folder",
        },
        "policy-pack-config": {
            type: "string",
            placeholder: "<file>",
            description:
                "the policy pack's configuration (JSON, as pulumi preview --policy-pack-config takes it), e.g. the public operations of each API",
        },
        outputs: {
            type: "string",
            placeholder: "<file>",
            description:
                "where to write the outputs (default .local/outputs-<stack>.json for index.ts, .local/outputs-<program>-<stack>.json for others)",
        },
    },
    examples: [
        "",
        "--port 9000",
        "--program my-api.ts --stack test",
        "--program examples/consumer/index.ts --stack dev --policy-pack-config examples/consumer/policy-pack-config.json",
    ],
} as const;

runCommand(command, async () => {
    const { values } = parseCommandLine(command);
    const invokedFrom = process.cwd();
    const port = numberOption(values.port, "port", {
        min: 0,
        max: 65535,
        integer: true,
        what: "a port number (0 to 65535)",
    })!;
    const identityPort = numberOption(values["sts-port"], "sts-port", {
        min: 0,
        max: 65535,
        integer: true,
        what: "a port number (0 to 65535)",
    });
    const domainPort = numberOption(values["domain-port"], "domain-port", {
        min: 0,
        max: 65535,
        integer: true,
        what: "a port number (0 to 65535)",
    });
    const program = path.resolve(values.program);
    if (!fs.existsSync(program) || !fs.statSync(program).isFile())
        throw new Error(
            `The program ${values.program} does not exist (looked for ${program}). Pass --program <file>, relative to the current folder.`,
        );
    const projectDir = projectDirOf(program);
    const outputsFile = path.resolve(values.outputs ?? localOutputsFile(program, values.stack));

    assertLocalModeInstalled(program);
    // Loaded once the check above has named any missing peer (the pack needs @pulumi/policy).
    const { checkPolicyPack, readPolicyPackConfig } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("./policyPack") as typeof import("./policyPack");
    const configFile = values["policy-pack-config"];
    const policyPackConfig = configFile === undefined ? undefined : readPolicyPackConfig(path.resolve(configFile));
    const shown = (file: string) => displayPath(file, invokedFrom);
    // Pulumi runs a program in its project folder, so relative paths in it mean the same here.
    process.chdir(projectDir);
    // Installed, a TypeScript program loads through the project's own tsx, with its tsconfig.json (from
    // sources, this checkout's npm scripts loaded tsx already).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (!FROM_SOURCES && /\.[cm]?tsx?$/.test(program)) (require("tsx/cjs/api") as { register(): void }).register();
    // Loaded only now: the Pulumi SDK takes a second to load, which `--help` and bad flags need not wait for.
    const { startLocalMode, outputsAsJson, defaultIdentityPort, defaultDomainPort } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("./localMode") as typeof import("./localMode");
    const local = await startLocalMode({
        projectDir,
        program: path.relative(projectDir, program),
        stack: values.stack,
        port,
        identityPort: identityPort ?? defaultIdentityPort(port),
        domainPort: domainPort ?? defaultDomainPort(port),
        log: (entry) => console.log(formatLogEntry(entry)),
        // What a function logs goes to CloudWatch in AWS; here it goes to this terminal, after the function's name.
        functionLog: (line) => console.log(line),
        // The policy pack, as pulumi preview --policy-pack would run it: mandatory violations stop before serving.
        beforeServe: (run) =>
            checkPolicyPack(run.mocks.registrations, { config: policyPackConfig, print: console.log }),
    });
    // Written only now that every API listens, so a reader can call it at once.
    fs.mkdirSync(path.dirname(outputsFile), { recursive: true });
    const caFile = certificateAuthorityFile(outputsFile);
    // Clients find local mode's custom domains (address, CA) in the outputs file, under a key no program can export.
    const written = { ...outputsAsJson(local.outputs), ...localEndpoints(local, caFile) };
    fs.writeFileSync(outputsFile, JSON.stringify(written, null, 2) + "\n", { mode: 0o600 });
    fs.chmodSync(outputsFile, 0o600); // also when it existed before
    stopCleanly(local, [outputsFile, caFile]);

    console.log(
        `Local mode: program ${shown(program)}, stack ${values.stack}, region ${local.account.region}, account ${local.account.accountId}`,
    );
    console.log("Outputs:");
    const width = Math.max(16, ...Object.keys(local.outputs).map((name) => name.length));
    for (const [name, output] of Object.entries(local.outputs)) {
        console.log(`  ${name.padEnd(width)} ${output.secret ? "[secret]" : JSON.stringify(output.value)}`);
    }
    console.log(`Outputs with secrets in clear (removed when this stops): ${shown(outputsFile)}`);
    console.log(
        `STS and Cognito Identity (local, for roles and identity pools): ${local.identity.url}  e.g. aws sts assume-role --endpoint-url ${local.identity.url} …`,
    );
    const example = exampleCall(local);
    if (example && local.outputs.accessKeyId !== undefined) {
        const file = JSON.stringify(outputsFile);
        console.log("\nTry it (signs with the key pair from the outputs file):");
        console.log(
            `  curl -s --aws-sigv4 "aws:amz:${local.account.region}:execute-api" --user "$(node -p 'const o=require(${file.replace(/'/g, "")}); o.accessKeyId+":"+o.secretAccessKey')" ${example}`,
        );
        console.log(`  ${commandLine("smoke", `--outputs ${shown(outputsFile)}`)}`);
    }
    const domains = domainLines(local, { caFile, outputsFile }, shown);
    if (domains.length > 0) console.log(["", ...domains].join("\n"));
    console.log("\nServing until Ctrl+C.");
});

/** The Pulumi project of a program: the nearest folder at or above it holding `Pulumi.yaml`. */
function projectDirOf(program: string): string {
    for (let dir = path.dirname(program); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir)
            throw new Error(
                `No Pulumi.yaml in ${path.dirname(program)} or any folder above it: local mode reads the project's name and config from it.`,
            );
    }
}

/**
 * Stops serving, removes the outputs file (its keys die with the local account) and exits 0 on
 * SIGINT, SIGTERM, or when the process that started this one is gone: `npm start` runs us through a
 * shell that a SIGTERM to npm kills without passing the signal on, which would leave us serving.
 */
function stopCleanly(local: LocalMode, files: readonly string[]): void {
    let stopping = false;
    const stop = () => {
        if (stopping) return;
        stopping = true;
        for (const file of files) fs.rmSync(file, { force: true });
        void local.close().then(
            () => process.exit(0),
            (e: Error) => {
                console.error(`start: ${e.message}`);
                process.exit(1);
            },
        );
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && stop(), 200).unref();
}

/**
 * A GET URL of the first deployed API whose default endpoint is on that needs no path parameter,
 * preferring one below the root.
 */
function exampleCall(local: LocalMode): string | undefined {
    for (const stage of local.account.stages.values()) {
        const deployment = local.account.deployments.get(stage.deploymentId);
        if (!deployment || deployment.disableExecuteApiEndpoint) continue;
        const chosen = exampleGetPath(deployment.body);
        if (chosen !== undefined) return `${stage.invokeUrl}${chosen}`;
    }
    return undefined;
}

// The SDK also reports a refused resource as an unhandled rejection; one clear line is enough.
process.on("unhandledRejection", (e) => {
    console.error(`start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
});
