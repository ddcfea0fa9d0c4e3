import { ChildProcess, spawn } from "child_process";
import { randomBytes } from "crypto";
import type { FunctionRecord } from "../engine/account";
import { loaderCode, ownModule } from "../packageLayout";

/** The error document of a function error, as Lambda returns it (`X-Amz-Function-Error`). */
export interface FunctionError {
    readonly errorType: string;
    readonly errorMessage: string;
    readonly trace: readonly string[];
}

/** What the gateway sends an environment: one invocation. */
export interface InvokeRequest {
    readonly id: number;
    readonly event: unknown;
    readonly context: {
        readonly functionName: string;
        readonly invokedFunctionArn: string;
        readonly memoryLimitInMB: number;
        readonly awsRequestId: string;
        /** The function's timeout, from when the environment receives the invocation. */
        readonly remainingMs: number;
    };
}

/**
 * What an environment says: that its init is done (or failed), or an invocation's result as JSON text or
 * its error (`fatal` when the environment then exits).
 */
export type RuntimeReply =
    | { readonly ready: true }
    | { readonly initError: FunctionError }
    | { readonly id: number; readonly payload: string; readonly error?: undefined; readonly fatal?: undefined }
    | { readonly id: number; readonly error: FunctionError; readonly payload?: undefined; readonly fatal?: boolean };

/** How an invocation ended, as Lambda's Invoke reports it: a result, or a function error (its payload the error document). */
export type Invocation =
    | { readonly kind: "result"; readonly payload: string }
    | { readonly kind: "error"; readonly error: FunctionError; readonly payload: string };

/** Lambda's limit on an on-demand environment's init (loading the handler), which the function's timeout does not count. */
export const INIT_TIMEOUT_MS = 10_000;
/** CloudWatch Logs' limit on one log event: a longer line a function writes is cut there. */
const MAX_LOG_LINE = 256 * 1024;
/** Environments one function may run at once; more invocations wait for one to be free. */
export const MAX_ENVIRONMENTS_PER_FUNCTION = 10;
/** The runtime an environment runs (from sources: through tsx in a namespace of its own, so handlers load as in Node). */
const BOOTSTRAP = loaderCode(ownModule(__dirname, "lambdaRuntime"), "local-lambda-runtime");

interface Pending {
    readonly resolve: (invocation: Invocation) => void;
    readonly timer: NodeJS.Timeout;
}

/** One execution environment: a process running one function, one invocation at a time, kept warm. */
interface Environment {
    readonly child: ChildProcess;
    /** Settles once the handler is loaded: undefined, or the init's error. */
    readonly initialized: Promise<FunctionError | undefined>;
    pending: Pending | undefined;
    dead: boolean;
}

interface Waiting {
    readonly start: (environment: Environment) => void;
}

export interface LambdaRuntimesOptions {
    /** Receives each line a function writes (console.log…), prefixed with its name. @default stderr */
    readonly log?: (line: string) => void;
}

/**
 * Runs local Lambda functions the way Lambda does, each invocation in an execution environment of its
 * function: a Node.js process of its own (its environment variables only, its task root as working
 * directory, its memory size as heap limit), kept warm between invocations and replaced after it times
 * out, crashes or exits. The gateway's process never runs a handler, so nothing a handler does can stall
 * or kill it or another function.
 */
export class LambdaRuntimes {
    private readonly idle = new Map<string, Environment[]>();
    private readonly running = new Map<string, number>();
    private readonly waiting = new Map<string, Waiting[]>();
    private readonly all = new Set<Environment>();
    private nextId = 0;
    private closed = false;

    constructor(private readonly options: LambdaRuntimesOptions = {}) {}

    /** One synchronous invocation (RequestResponse). */
    async invoke(fn: FunctionRecord, event: unknown, requestId: string): Promise<Invocation> {
        const environment = await this.acquire(fn);
        const initError = await environment.initialized;
        if (initError) {
            this.release(fn, environment);
            return { kind: "error", error: initError, payload: JSON.stringify(initError) };
        }
        return new Promise<Invocation>((resolve) => {
            const id = this.nextId++;
            const timeoutMs = fn.timeoutSeconds * 1000;
            const finish = (invocation: Invocation) => {
                clearTimeout(environment.pending?.timer);
                environment.pending = undefined;
                this.release(fn, environment);
                resolve(invocation);
            };
            const timer = setTimeout(() => {
                // Lambda stops a function at its timeout and starts the next invocation in a fresh environment.
                this.retire(environment);
                finish(
                    asInvocation(
                        failureOf(
                            "Sandbox.Timedout",
                            `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
                        ),
                    ),
                );
            }, timeoutMs);
            environment.pending = { resolve: finish, timer };
            const request: InvokeRequest = {
                id,
                event,
                context: {
                    functionName: fn.name,
                    invokedFunctionArn: fn.arn,
                    memoryLimitInMB: fn.memorySizeMb,
                    awsRequestId: requestId,
                    remainingMs: timeoutMs,
                },
            };
            environment.child.send(request, (error) => {
                if (error) {
                    this.retire(environment);
                    finish(
                        asInvocation(
                            failureOf(
                                "Runtime.ExitError",
                                `RequestId: ${requestId} Error: Runtime exited before the invocation (${error.message})`,
                            ),
                        ),
                    );
                }
            });
        });
    }

    /** Stops every environment. */
    async close(): Promise<void> {
        this.closed = true;
        await Promise.all(
            [...this.all].map(
                (environment) =>
                    new Promise<void>((resolve) => {
                        if (environment.child.exitCode !== null || environment.child.signalCode !== null)
                            return resolve();
                        environment.child.once("exit", () => resolve());
                        environment.child.kill("SIGKILL");
                    }),
            ),
        );
    }

    private acquire(fn: FunctionRecord): Promise<Environment> {
        if (this.closed) return Promise.reject(new Error("The local Lambda runtimes are closed."));
        const idle = this.idle.get(fn.arn) ?? [];
        const ready = idle.pop();
        if (ready) return Promise.resolve(this.take(fn, ready));
        if ((this.running.get(fn.arn) ?? 0) < MAX_ENVIRONMENTS_PER_FUNCTION)
            return Promise.resolve(this.take(fn, this.start(fn)));
        return new Promise((resolve) => {
            const queue = this.waiting.get(fn.arn) ?? [];
            queue.push({ start: resolve });
            this.waiting.set(fn.arn, queue);
        });
    }

    private take(fn: FunctionRecord, environment: Environment): Environment {
        this.running.set(fn.arn, (this.running.get(fn.arn) ?? 0) + 1);
        return environment;
    }

    /** The environment is free again: the next waiting invocation takes it (or a fresh one), else it idles warm. */
    private release(fn: FunctionRecord, environment: Environment): void {
        this.running.set(fn.arn, (this.running.get(fn.arn) ?? 1) - 1);
        const next = this.waiting.get(fn.arn)?.shift();
        if (next) {
            next.start(this.take(fn, environment.dead ? this.start(fn) : environment));
            return;
        }
        if (!environment.dead) this.idle.set(fn.arn, [...(this.idle.get(fn.arn) ?? []), environment]);
    }

    private start(fn: FunctionRecord): Environment {
        const child = spawn(
            process.execPath,
            ["--preserve-symlinks", `--max-old-space-size=${fn.memorySizeMb}`, "-e", BOOTSTRAP],
            {
                cwd: fn.codeDir,
                env: lambdaEnvironment(fn),
                stdio: ["ignore", "pipe", "pipe", "ipc"],
            },
        );
        let initialized: (error: FunctionError | undefined) => void = () => undefined;
        const environment: Environment = {
            child,
            initialized: new Promise((resolve) => (initialized = resolve)),
            pending: undefined,
            dead: false,
        };
        const initTimer = setTimeout(() => {
            this.retire(environment);
            initialized(
                failureOf(
                    "Sandbox.Timedout",
                    `Init timed out after ${INIT_TIMEOUT_MS / 1000} seconds (loading ${fn.handler})`,
                ),
            );
        }, INIT_TIMEOUT_MS);
        initTimer.unref();
        this.all.add(environment);
        const log = this.options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
        for (const stream of [child.stdout!, child.stderr!]) {
            let partial = "";
            stream.on("data", (chunk: Buffer) => {
                const lines = (partial + chunk.toString()).split("\n");
                partial = lines.pop()!;
                // A line that never ends is cut where CloudWatch cuts a log event, so it cannot grow the gateway's memory.
                if (partial.length > MAX_LOG_LINE) [lines[lines.length], partial] = [partial, ""];
                for (const line of lines) log(`[${fn.name}] ${line.slice(0, MAX_LOG_LINE)}`);
            });
        }
        child.on("message", (reply: RuntimeReply) => {
            if ("ready" in reply || "initError" in reply) {
                clearTimeout(initTimer);
                if ("initError" in reply) this.retire(environment);
                initialized("initError" in reply ? reply.initError : undefined);
                return;
            }
            const pending = environment.pending;
            if (!pending) return;
            if (reply.fatal) this.retire(environment);
            pending.resolve(
                reply.error
                    ? { kind: "error", error: reply.error, payload: JSON.stringify(reply.error) }
                    : { kind: "result", payload: reply.payload },
            );
        });
        child.on("exit", (code, signal) => {
            this.all.delete(environment);
            clearTimeout(initTimer);
            const wasDead = environment.dead;
            this.retire(environment);
            const status = signal === null ? `exit status ${code}` : `signal: ${signal}`;
            const memory =
                code === 134 || signal === "SIGABRT"
                    ? ` (out of memory? the heap is limited to memorySize, ${fn.memorySizeMb} MB)`
                    : "";
            const exited = failureOf("Runtime.ExitError", `Error: Runtime exited with error: ${status}${memory}`);
            initialized(exited);
            if (environment.pending && !wasDead) environment.pending.resolve(asInvocation(exited));
        });
        // A warm environment must not keep the gateway's process alive on its own.
        child.unref();
        child.channel?.unref();
        return environment;
    }

    /** Takes an environment out of service and stops it (it may still be running a handler). */
    private retire(environment: Environment): void {
        if (environment.dead) return;
        environment.dead = true;
        for (const [arn, list] of this.idle)
            this.idle.set(
                arn,
                list.filter((e) => e !== environment),
            );
        environment.child.kill("SIGKILL");
    }
}

function failureOf(errorType: string, errorMessage: string): FunctionError {
    return { errorType, errorMessage, trace: [] };
}

function asInvocation(error: FunctionError): Invocation {
    return { kind: "error", error, payload: JSON.stringify(error) };
}

/**
 * The environment variables Lambda gives a function: its own `environment.variables` and the runtime's
 * defined ones, never the gateway's (which may hold the user's credentials). The execution role's
 * credentials are not given: local mode has no STS.
 */
function lambdaEnvironment(fn: FunctionRecord): Record<string, string> {
    const region = fn.arn.split(":")[3];
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, "/");
    return {
        PATH: "/usr/local/bin:/usr/bin:/bin",
        LANG: "en_US.UTF-8",
        TZ: ":UTC",
        ...Object.fromEntries(fn.environment),
        _HANDLER: fn.handler,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString("hex")}`,
        LAMBDA_TASK_ROOT: fn.codeDir,
    };
}
