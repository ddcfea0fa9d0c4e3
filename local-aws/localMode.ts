import * as path from "path";
import { localStateDir } from "../clients/cli/stackOutputs";
import { LocalAwsAccount } from "./engine/account";
import { LocalAwsAccounts } from "./engine/accounts";
import { LocalRun, RunOptions, runProgramLocally, StackOutput } from "./engine/runProgram";

export { outputsAsJson } from "./engine/runProgram";
import { DEFAULT_EVALUATION_TIMEOUT_MS, IamEvaluator } from "./gateway/authorize";
import { assertPortFree, GatewayOptions, LocalGateway } from "./gateway/server";
import { LocalIdentityServices } from "./identity/server";

export interface LocalModeOptions {
    /** Folder holding `Pulumi.yaml` and the stack's config file. */
    readonly projectDir: string;
    /** The program: a file relative to `projectDir`, or a function returning its exports. @default "index.ts" */
    readonly program?: RunOptions["program"];
    /** @default "test" */
    readonly stack?: string;
    /** Port of the first REST API (each further API takes the next). @default 0 (free ports) */
    readonly port?: number;
    /** Port of the local STS and Cognito Identity endpoint. @default 0 (a free port) */
    readonly identityPort?: number;
    /** The clock of the gateway and of STS (credentials' and tokens' expiry). @default () => new Date() */
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
    /** What the account holds before the program runs (see `RunOptions.before`). @default nothing */
    readonly before?: RunOptions["before"];
    /** Runs after the program and before anything is served; throwing stops local mode (the policy pack). */
    readonly beforeServe?: (run: LocalRun) => Promise<void> | void;
    /** Port of the first custom domain's HTTPS listener (each further domain takes the next). @default 0 (free ports) */
    readonly domainPort?: number;
    /**
     * The folder standing in for S3, where a mutual TLS truststore `s3://<bucket>/<key>` is read from
     * (`<folder>/<bucket>/<key>`). @default `s3/` in local mode's state folder (`.local/s3/`)
     */
    readonly s3Dir?: string;
}

export interface LocalMode {
    readonly outputs: Record<string, StackOutput>;
    /** The account the program deployed to. */
    readonly account: LocalAwsAccount;
    /** Every account of the run: the program's, and any `accounts.create(id)` adds for callers of another account. */
    readonly accounts: LocalAwsAccounts;
    readonly gateway: LocalGateway;
    /** The loopback STS and Cognito Identity endpoint (`identity.url`), and its test-token issuer. */
    readonly identity: LocalIdentityServices;
    /** Where each custom domain name is served over TLS (`127.0.0.1:<port>`), by domain name. */
    readonly domains: ReadonlyMap<string, string>;
    /** The PEM certificate of local mode's CA, which issued the domains' certificates; undefined without a domain. */
    readonly certificateAuthorityPem: string | undefined;
    /** Stops serving; rejects when the gateway or STS failed internally meanwhile (see `LocalGateway.close`). */
    close(): Promise<void>;
}

/**
 * Runs a program that uses `SecuredRestApi` on the embedded local engine and serves every deployed
 * stage on loopback: `npm start` and the tests both use this.
 */
export async function startLocalMode(options: LocalModeOptions): Promise<LocalMode> {
    if (options.port) await assertPortFree(options.port, "--port");
    const gateway = new LocalGateway({
        port: options.port,
        now: options.now,
        log: options.log,
        onInternalError: options.onInternalError,
        evaluationTimeoutMs: options.evaluationTimeoutMs,
        functionLog: options.functionLog,
        domainPort: options.domainPort,
    });
    let identity: LocalIdentityServices | undefined;
    try {
        const run = await runProgramLocally({
            projectDir: options.projectDir,
            program: options.program,
            stack: options.stack,
            allocateEndpoint: gateway.allocateEndpoint,
            typeCheck: options.typeCheck,
            before: options.before,
            s3Dir: options.s3Dir ?? path.join(localStateDir(), "s3"),
        });
        await options.beforeServe?.(run);
        const accounts = new LocalAwsAccounts(run.account);
        gateway.serve(run.account, accounts);
        const domains = await gateway.serveDomains(run.account);
        identity = new LocalIdentityServices({
            accounts,
            evaluator: new IamEvaluator(options.evaluationTimeoutMs ?? DEFAULT_EVALUATION_TIMEOUT_MS),
            now: options.now,
            port: options.identityPort,
        });
        await identity.listen();
        const services = identity;
        const close = async () => {
            const results = await Promise.allSettled([gateway.close(), services.close()]);
            const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
            if (failed) throw failed.reason;
        };
        return {
            outputs: run.outputs,
            account: run.account,
            accounts,
            gateway,
            identity,
            domains,
            certificateAuthorityPem: gateway.certificateAuthorityPem,
            close,
        };
    } catch (e) {
        await gateway.close().catch(() => undefined);
        await identity?.close().catch(() => undefined);
        throw e;
    }
}

const IDENTITY_PORT_OFFSET = 1000;
/** Custom domains listen from `--port` + 443 on: clear of the APIs' next ports and of STS's. */
const DOMAIN_PORT_OFFSET = 443;

/** The first custom domain's port for APIs from `port` on; free (0) with free API ports or past the last port. */
export function defaultDomainPort(port: number): number {
    return port === 0 || port + DOMAIN_PORT_OFFSET > 65535 ? 0 : port + DOMAIN_PORT_OFFSET;
}

/**
 * The STS and Cognito Identity port for APIs from `port` on: far enough that a second program's APIs
 * (the next ports) never take it; free (0) with free API ports or past the last port.
 */
export function defaultIdentityPort(port: number): number {
    return port === 0 || port + IDENTITY_PORT_OFFSET > 65535 ? 0 : port + IDENTITY_PORT_OFFSET;
}
