import * as pulumi from "@pulumi/pulumi";
import { accountRootArn } from "../../components/policies/arns";
import { LocalAwsAccount } from "./account";
import { readOpenIdConnectProvider } from "./iam";

/** One resource registration the program made, as the engine received it. */
export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly custom: boolean;
    /** The names (or URNs) of the resource's `aliases`, which the engine matches against the stack's state. */
    readonly aliases: readonly string[];
}

/** A registration as the patched mock monitor passes it: the SDK's arguments and what the engine also sees. */
interface RegisteredResourceArgs extends pulumi.runtime.MockResourceArgs {
    readonly aliases?: readonly string[];
}

/**
 * Pulumi's mock runtime hooks, provisioning into a {@link LocalAwsAccount}. In preview it provisions
 * nothing and returns the inputs only, so every computed output is unknown, as in `pulumi preview`.
 */
export class LocalAwsMocks implements pulumi.runtime.Mocks {
    readonly registrations: Registration[] = [];
    /** Every function (data source) the program invoked, with its arguments. */
    readonly invokes: { readonly token: string; readonly inputs: Record<string, unknown> }[] = [];
    /** Rejects with the first resource AWS (locally) refused, so a run fails instead of waiting forever. */
    readonly failed: Promise<never>;
    private fail: (error: Error) => void = () => undefined;
    /** Resources being provisioned now, and when one last began or ended. */
    private provisioning = 0;
    private lastActivity = Date.now();

    constructor(
        readonly account: LocalAwsAccount,
        private readonly preview: boolean,
    ) {
        this.failed = new Promise<never>((_, reject) => (this.fail = reject));
        this.failed.catch(() => undefined);
    }

    async newResource(args: RegisteredResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
        const custom = args.custom !== false;
        const inputs = args.inputs as Record<string, unknown>;
        this.registrations.push({ type: args.type, name: args.name, inputs, custom, aliases: args.aliases ?? [] });
        if (!custom) return { id: undefined, state: {} };
        if (args.type.startsWith("pulumi:providers:")) return { id: `${args.name}-id`, state: inputs };
        this.provisioning++;
        this.lastActivity = Date.now();
        try {
            if (this.preview) {
                this.account.assertEmulated(args.type, args.name);
                return { id: undefined, state: inputs };
            }
            return await this.account.provision(args.type, args.name, inputs);
        } catch (e) {
            this.fail(e as Error);
            throw e;
        } finally {
            this.provisioning--;
            this.lastActivity = Date.now();
        }
    }

    /**
     * Resolves once nothing is being provisioned and nothing has begun for `quietMs`: after a failure,
     * registrations waiting on a failed Output (a data source's, say) never begin, so the SDK's RPC queue
     * never drains, and this is when the run has done what it still could.
     */
    async idle(quietMs = 200): Promise<void> {
        while (this.provisioning > 0 || Date.now() - this.lastActivity < quietMs)
            await new Promise((resolve) => setTimeout(resolve, quietMs / 4));
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const region = this.account.region;
        this.invokes.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
        switch (args.token) {
            case "aws:index/getRegion:getRegion":
                return {
                    region,
                    name: region,
                    id: region,
                    endpoint: `ec2.${region}.amazonaws.com`,
                    description: region,
                };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    accountId: this.account.accountId,
                    arn: accountRootArn(this.account.partition, this.account.accountId),
                    userId: this.account.accountId,
                    id: this.account.accountId,
                };
            case "aws:index/getPartition:getPartition":
                return {
                    partition: this.account.partition,
                    dnsSuffix: this.account.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
                    id: this.account.partition,
                };
            case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider":
                try {
                    return readOpenIdConnectProvider(this.account, args.inputs as Record<string, unknown>);
                } catch (e) {
                    // As the engine answers a failed invoke: the SDK shows the gRPC error's details.
                    const message = `invocation of ${args.token} returned an error: ${(e as Error).message}`;
                    const failure = Object.assign(new Error(message), { details: message });
                    this.fail(failure);
                    throw failure;
                }
            default:
                throw new Error(`Local mode does not emulate the function ${args.token}.`);
        }
    }
}

/** Makes Pulumi's runtime use a fresh local account for the next program. */
export async function useLocalAws(options: {
    account: LocalAwsAccount;
    project: string;
    stack: string;
    preview?: boolean;
}): Promise<LocalAwsMocks> {
    const mocks = new LocalAwsMocks(options.account, options.preview ?? false);
    passWhatTheEngineSees();
    recordPromiseStacksUnformatted();
    await pulumi.runtime.setMocks(mocks, options.project, options.stack, options.preview ?? false);
    return mocks;
}

interface RegisterResourceRequest {
    getAdditionalsecretoutputsList(): string[];
    getAliasesList(): { getUrn(): string; getSpec(): { getName(): string } | undefined }[];
}
interface MockMonitorShape {
    mocks: pulumi.runtime.Mocks;
    registerResource: (this: MockMonitorShape, req: RegisterResourceRequest, callback: unknown) => Promise<void>;
}
let monitorPatched = false;

let promiseStacksPatched = false;
/**
 * Pulumi's runtime records a stack trace for each of its promises, for the report of those a program
 * leaves pending (runtime/debuggable.js: `new Error().stack`, formatted at once). With source maps on,
 * as tsx turns them on, formatting them is the largest cost of a program run (a third of a test's CPU
 * time, measured with --cpu-prof); here each trace keeps V8's call sites and is formatted only if the
 * report prints it (its frames then unmapped). Nothing else reads it.
 */
function recordPromiseStacksUnformatted(): void {
    if (promiseStacksPatched) return;
    promiseStacksPatched = true;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
        debuggablePromise: <T>(this: void, promise: Promise<T>, context: unknown) => Promise<T>;
    };
    const record = debuggable.debuggablePromise;
    const unformatted = (_error: Error, sites: NodeJS.CallSite[]) => ({
        toString: () =>
            sites
                .map(
                    (s) =>
                        `    at ${s.getFunctionName() ?? "<anonymous>"} (${s.getFileName() ?? "?"}:${s.getLineNumber()}:${s.getColumnNumber()})`,
                )
                .join("\n"),
    });
    // Pulumi's modules call it through the module object (debuggable_1.debuggablePromise), so this replaces it for all.
    debuggable.debuggablePromise = <T>(promise: Promise<T>, context: unknown): Promise<T> => {
        // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, never called here
        const prepare = Error.prepareStackTrace;
        Error.prepareStackTrace = unformatted;
        try {
            return record(promise, context);
        } finally {
            Error.prepareStackTrace = prepare;
        }
    };
}

/**
 * Makes the mock runtime pass on what the Pulumi engine sees and the SDK's mock monitor drops: a
 * resource's `additionalSecretOutputs` (e.g. an `aws.iam.AccessKey`'s `secret`), kept secret as the engine
 * does, so a program's own `export const s = key.secret` is not printed in clear; and its `aliases`,
 * recorded with the registration.
 */
function passWhatTheEngineSees(): void {
    if (monitorPatched) return;
    monitorPatched = true;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
        MockMonitor: { prototype: MockMonitorShape };
    };
    const register = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (this: MockMonitorShape, req, callback) {
        const secrets = req.getAdditionalsecretoutputsList();
        const aliases = req.getAliasesList().map((a) => a.getSpec()?.getName() || a.getUrn());
        const mocks = this.mocks;
        const newResource = async (args: pulumi.runtime.MockResourceArgs) => {
            const registered: RegisteredResourceArgs = { ...args, aliases };
            const result = await mocks.newResource(registered);
            const state = { ...(result.state as Record<string, unknown>) };
            for (const name of secrets) if (state[name] !== undefined) state[name] = pulumi.secret(state[name]);
            return { ...result, state };
        };
        // The monitor's own state (its resources, its URNs) is shared; only newResource is seen differently.
        const seen: pulumi.runtime.Mocks = { newResource, call: (args) => mocks.call(args) };
        const monitor = Object.create(this, { mocks: { value: seen } }) as MockMonitorShape;
        return register.call(monitor, req, callback);
    };
}

/**
 * Resolves once every resource registration the program started has finished (including those still
 * waiting on another resource's outputs). Uses the SDK's own RPC queue, which `pulumi` drains the same
 * way before a program exits; it is exported by the SDK but not in its public typings.
 */
export async function allRegistrationsSettled(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
}
