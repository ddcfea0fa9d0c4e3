// The Node.js runtime of one local Lambda execution environment, in a process of its own: it loads the
// function's handler once (its "init"), then runs one invocation per message from the gateway and
// answers with the result or the error, as Lambda's runtime interface client does. Nothing of the
// gateway is loaded here: a handler that loops, crashes or leaks takes down this process only.
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { pathToFileURL } from "url";
import { format } from "util";
import type { FunctionError, InvokeRequest, RuntimeReply } from "./lambdaRuntimes";

/** Lambda's limit on a synchronous invocation's response. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/** A real dynamic import: a CommonJS build of this file would turn `import()` into `require()`. */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

type Handler = (event: unknown, context: unknown, callback?: (error: unknown, result?: unknown) => void) => unknown;

let handler: Handler | undefined;
let current: number | undefined;

function send(reply: RuntimeReply): Promise<void> {
    return new Promise((resolve) => process.send!(reply, undefined, undefined, () => resolve()));
}

/** `path/to/file.export.nested`: the module is up to the first dot of the last segment, as Lambda reads it. */
async function loadHandler(handlerSetting: string): Promise<Handler> {
    const slash = handlerSetting.lastIndexOf("/");
    const moduleRoot = handlerSetting.slice(0, slash + 1);
    const [moduleName, ...exportPath] = handlerSetting.slice(slash + 1).split(".");
    const base = path.resolve(process.env.LAMBDA_TASK_ROOT!, moduleRoot, moduleName);
    const file = [".js", ".mjs", ".cjs"].map((ext) => base + ext).find((f) => fs.existsSync(f));
    if (file === undefined)
        throw Object.assign(new Error(`Cannot find module '${moduleName}'`), { name: "Runtime.ImportModuleError" });
    let loaded: unknown;
    try {
        loaded = file.endsWith(".mjs") ? await importModule(pathToFileURL(file).href) : requireOrImport(file);
        loaded = await loaded;
    } catch (e) {
        throw Object.assign(new Error(String(e instanceof Error ? (e.stack ?? e.message) : e)), {
            name: "Runtime.ImportModuleError",
        });
    }
    let target: unknown = loaded;
    for (const key of exportPath) target = isObject(target) && Object.hasOwn(target, key) ? target[key] : undefined;
    if (typeof target !== "function")
        throw Object.assign(new Error(`${handlerSetting} is undefined or not exported`), {
            name: "Runtime.HandlerNotFound",
        });
    return target as Handler;
}

/** A CommonJS module (Node's own require, as Lambda's), or an ES module when the `.js` file is one (`"type": "module"`). */
function requireOrImport(file: string): unknown {
    try {
        return createRequire(file)(file) as unknown;
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ERR_REQUIRE_ESM") return importModule(pathToFileURL(file).href);
        throw e;
    }
}

function isObject(value: unknown): value is Record<string, unknown> {
    return (typeof value === "object" || typeof value === "function") && value !== null;
}

/** The error document Lambda returns for a function error. */
function functionError(error: unknown): FunctionError {
    if (error instanceof Error)
        return {
            errorType: error.name,
            errorMessage: error.message,
            trace: (error.stack ?? "").split("\n"),
        };
    return { errorType: typeof error, errorMessage: typeof error === "string" ? error : format(error), trace: [] };
}

/** How a handler ended: with a result, or with what it threw or passed to its callback (not always an Error). */
type Ending = { readonly failed: false; readonly result: unknown } | { readonly failed: true; readonly error: unknown };

/** Runs the handler the way Lambda's Node.js runtime does: a returned promise, or the callback. */
function runHandler(fn: Handler, event: unknown, context: unknown): Promise<Ending> {
    return new Promise((resolve) => {
        const succeed = (result: unknown) => resolve({ failed: false, result });
        const fail = (error: unknown) => resolve({ failed: true, error });
        try {
            const returned = fn(event, context, (error, result) => (error ? fail(error) : succeed(result)));
            if (isObject(returned) && typeof returned.then === "function")
                Promise.resolve(returned).then(succeed, fail);
            else if (fn.length < 3) succeed(returned);
        } catch (e) {
            fail(e);
        }
    });
}

async function invoke(request: InvokeRequest): Promise<void> {
    current = request.id;
    const deadline = Date.now() + request.context.remainingMs;
    const context = {
        callbackWaitsForEmptyEventLoop: true,
        functionName: request.context.functionName,
        functionVersion: "$LATEST",
        invokedFunctionArn: request.context.invokedFunctionArn,
        memoryLimitInMB: String(request.context.memoryLimitInMB),
        awsRequestId: request.context.awsRequestId,
        logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    let reply: RuntimeReply;
    try {
        const ending = await runHandler(handler!, request.event, context);
        if (ending.failed) throw ending.error;
        const payload = JSON.stringify(ending.result) ?? "null";
        reply =
            Buffer.byteLength(payload) > MAX_RESPONSE_BYTES
                ? {
                      id: request.id,
                      error: {
                          errorType: "Function.ResponseSizeTooLarge",
                          errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
                          trace: [],
                      },
                  }
                : { id: request.id, payload };
    } catch (e) {
        reply = { id: request.id, error: functionError(e) };
    }
    current = undefined;
    await send(reply);
}

/** What the handler writes goes to the environment's log, one line per call, as in CloudWatch. */
function logTo(stream: NodeJS.WriteStream, level: string) {
    return (...args: unknown[]) =>
        stream.write(`${new Date().toISOString()}\t${current ?? "-"}\t${level}\t${format(...args)}\n`);
}
console.log = console.info = logTo(process.stdout, "INFO");
console.debug = logTo(process.stdout, "DEBUG");
console.warn = logTo(process.stderr, "WARN");
console.error = logTo(process.stderr, "ERROR");

/** An error no invocation caught ends the environment, as in Lambda; the invocation gets it first. */
function fatal(error: unknown, errorType: string): void {
    const id = current;
    const done =
        id === undefined ? Promise.resolve() : send({ id, error: { ...functionError(error), errorType }, fatal: true });
    void done.then(() => process.exit(1));
}
process.on("uncaughtException", (e) => fatal(e, "Runtime.UncaughtException"));
process.on("unhandledRejection", (e) => fatal(e, "Runtime.UnhandledPromiseRejection"));
// The gateway is gone: so is this environment.
process.on("disconnect", () => process.exit(0));
process.on("message", (request: InvokeRequest) => void invoke(request));

// Init, before any invocation (its time is not the function's timeout): load the handler, then say so.
loadHandler(process.env._HANDLER!).then(
    (loaded) => {
        handler = loaded;
        void send({ ready: true });
    },
    (e: unknown) => void send({ initError: functionError(e) }).then(() => process.exit(1)),
);
