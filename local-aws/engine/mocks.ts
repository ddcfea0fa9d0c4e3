import * as pulumi from "@pulumi/pulumi";
import { accountRootArn } from "../../components/policies/arns";
import { LocalAwsAccount } from "./account";

/** One resource registration the program made, as the engine received it. */
export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly custom: boolean;
}

/**
 * Pulumi's mock runtime hooks, provisioning into a {@link LocalAwsAccount}. In preview it provisions
 * nothing and returns the inputs only, so every computed output is unknown, as in `pulumi preview`.
 */
export class LocalAwsMocks implements pulumi.runtime.Mocks {
    readonly registrations: Registration[] = [];
    /** Rejects with the first resource AWS (locally) refused, so a run fails instead of waiting forever. */
    readonly failed: Promise<never>;
    private fail: (error: Error) => void = () => undefined;

    constructor(
        readonly account: LocalAwsAccount,
        private readonly preview: boolean,
    ) {
        this.failed = new Promise<never>((_, reject) => (this.fail = reject));
        this.failed.catch(() => undefined);
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
        const custom = args.custom !== false;
        const inputs = args.inputs as Record<string, unknown>;
        this.registrations.push({ type: args.type, name: args.name, inputs, custom });
        if (!custom) return { id: undefined, state: {} };
        if (args.type.startsWith("pulumi:providers:")) return { id: `${args.name}-id`, state: inputs };
        try {
            if (this.preview) {
                this.account.assertEmulated(args.type, args.name);
                return { id: undefined, state: inputs };
            }
            return await this.account.provision(args.type, args.name, inputs);
        } catch (e) {
            this.fail(e as Error);
            throw e;
        }
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const region = this.account.region;
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
    honourAdditionalSecretOutputs();
    await pulumi.runtime.setMocks(mocks, options.project, options.stack, options.preview ?? false);
    return mocks;
}

interface RegisterResourceRequest {
    getAdditionalsecretoutputsList(): string[];
}
interface MockMonitorShape {
    mocks: pulumi.runtime.Mocks;
    registerResource: (this: MockMonitorShape, req: RegisterResourceRequest, callback: unknown) => Promise<void>;
}
let secretOutputsHonoured = false;

/**
 * Makes the mock runtime keep secret what a resource declares secret (`additionalSecretOutputs`, e.g.
 * an `aws.iam.AccessKey`'s `secret`), as the Pulumi engine does: the SDK's mock monitor drops that list,
 * so a program's own `export const s = key.secret` would otherwise be printed in clear.
 */
function honourAdditionalSecretOutputs(): void {
    if (secretOutputsHonoured) return;
    secretOutputsHonoured = true;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
        MockMonitor: { prototype: MockMonitorShape };
    };
    const register = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (this: MockMonitorShape, req, callback) {
        const secrets = req.getAdditionalsecretoutputsList();
        if (secrets.length === 0) return register.call(this, req, callback);
        const mocks = this.mocks;
        const newResource = async (args: pulumi.runtime.MockResourceArgs) => {
            const result = await mocks.newResource(args);
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
