import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { isJsonObject, listOperations, OpenApiDocument } from "../components/openapi/operations";
import { outputsAsJson } from "./engine/runProgram";
import { formatLogEntry } from "./gateway/log";
import { LocalMode, startLocalMode } from "./localMode";

const PROJECT_DIR = path.resolve(__dirname, "..");

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            port: { type: "string", default: "8787" },
            stack: { type: "string", default: "test" },
            program: { type: "string", default: "index.ts" },
            outputs: { type: "string" },
        },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port ${values.port} is not a port number.`);
    const outputsFile = path.resolve(
        values.outputs ?? path.join(PROJECT_DIR, ".local", `outputs-${values.stack}.json`),
    );

    const local = await startLocalMode({
        projectDir: PROJECT_DIR,
        program: values.program,
        stack: values.stack,
        port,
        log: (entry) => console.log(formatLogEntry(entry)),
    });
    // Written only now that every API listens, so a reader can call it at once.
    fs.mkdirSync(path.dirname(outputsFile), { recursive: true });
    fs.writeFileSync(outputsFile, JSON.stringify(outputsAsJson(local.outputs), null, 2) + "\n", { mode: 0o600 });

    console.log(
        `Local mode: program ${values.program}, stack ${values.stack}, region ${local.account.region}, account ${local.account.accountId}`,
    );
    console.log("Outputs:");
    for (const [name, output] of Object.entries(local.outputs)) {
        console.log(`  ${name.padEnd(16)} ${output.secret ? "[secret]" : JSON.stringify(output.value)}`);
    }
    console.log(`Outputs with secrets in clear: ${path.relative(process.cwd(), outputsFile) || outputsFile}`);
    const example = exampleCall(local);
    if (example) {
        const file = JSON.stringify(outputsFile);
        console.log("\nTry it (signs with the key pair from the outputs file):");
        console.log(
            `  curl -s --aws-sigv4 "aws:amz:${local.account.region}:execute-api" --user "$(node -p 'const o=require(${file.replace(/'/g, "")}); o.accessKeyId+":"+o.secretAccessKey')" ${example}`,
        );
        console.log(`  npm run smoke -- --outputs ${path.relative(process.cwd(), outputsFile) || outputsFile}`);
    }
    console.log("\nServing until Ctrl+C.");

    const stop = () => {
        void local.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
}

/** A GET URL of the first deployed API that needs no path parameter, preferring one below the root. */
function exampleCall(local: LocalMode): string | undefined {
    for (const stage of local.account.stages.values()) {
        const body = local.account.deployments.get(stage.deploymentId)?.body;
        if (!body) continue;
        const document = JSON.parse(body) as OpenApiDocument;
        const gets = listOperations(document).filter(
            (o) => (o.verb === "GET" || o.verb === "ANY") && !o.path.includes("{"),
        );
        const authType = (o: (typeof gets)[number]) =>
            isJsonObject(o.operation["x-amazon-apigateway-auth"])
                ? o.operation["x-amazon-apigateway-auth"].type
                : undefined;
        const chosen = gets.find((o) => o.path !== "/" && authType(o) === "AWS_IAM") ?? gets[0];
        if (chosen) return `${stage.invokeUrl}${chosen.path === "/" ? "/" : chosen.path}`;
    }
    return undefined;
}

function fail(e: unknown): never {
    console.error(`start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
}

// The SDK also reports a refused resource as an unhandled rejection; one clear line is enough.
process.on("unhandledRejection", fail);
main().catch(fail);
