import { LocalAwsAccount } from "./engine/account";
import { RunOptions, runProgramLocally, StackOutput } from "./engine/runProgram";

export { outputsAsJson } from "./engine/runProgram";
import { GatewayOptions, LocalGateway } from "./gateway/server";

export interface LocalModeOptions {
    /** Folder holding `Pulumi.yaml` and the stack's config file. */
    readonly projectDir: string;
    /** The program: a file relative to `projectDir`, or a function returning its exports. @default "index.ts" */
    readonly program?: RunOptions["program"];
    /** @default "test" */
    readonly stack?: string;
    /** Port of the first REST API (each further API takes the next). @default 0 (free ports) */
    readonly port?: number;
    /** The gateway's clock. @default () => new Date() */
    readonly now?: () => Date;
    /** Called once per answered request. @default nothing is logged */
    readonly log?: GatewayOptions["log"];
    /** Called when the gateway itself fails. @default printed to stderr */
    readonly onInternalError?: GatewayOptions["onInternalError"];
    /** How long one IAM evaluation may run, in ms. @default 1000 */
    readonly evaluationTimeoutMs?: number;
    /** Receives each line a Lambda function writes. @default stderr */
    readonly functionLog?: GatewayOptions["functionLog"];
    /** Type-check a TypeScript program file first, as `pulumi up` does. @default true */
    readonly typeCheck?: boolean;
}

export interface LocalMode {
    readonly outputs: Record<string, StackOutput>;
    readonly account: LocalAwsAccount;
    readonly gateway: LocalGateway;
    /** Stops serving; rejects when the gateway failed internally meanwhile (see `LocalGateway.close`). */
    close(): Promise<void>;
}

/**
 * Runs a program that uses `SecuredRestApi` on the embedded local engine and serves every deployed
 * stage on loopback: `npm start` and the tests both use this.
 */
export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
    const gateway = new LocalGateway({
        port: options.port,
        now: options.now,
        log: options.log,
        onInternalError: options.onInternalError,
        evaluationTimeoutMs: options.evaluationTimeoutMs,
        functionLog: options.functionLog,
    });
    try {
        const run = await runProgramLocally({
            projectDir: options.projectDir,
            program: options.program,
            stack: options.stack,
            allocateEndpoint: gateway.allocateEndpoint,
            typeCheck: options.typeCheck,
        });
        gateway.serve(run.account);
        return { outputs: run.outputs, account: run.account, gateway, close: () => gateway.close() };
    } catch (e) {
        await gateway.close().catch(() => undefined);
        throw e;
    }
}
