import * as fs from "fs";
import * as path from "path";
import {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
} from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { POLICY_PACK_NAME, policies as PACK_POLICIES } from "../policy-pack/policies";
import { unknownCheckingProxy, UnknownValueError } from "../policy-pack/unknowns";
import type { Registration } from "./engine/mocks";
import { PACKAGE_ROOT } from "./packageLayout";

/** The pack's folder, as `pulumi preview --policy-pack` is given it. */
export const POLICY_PACK_DIR = path.join(PACKAGE_ROOT, "policy-pack");
const PACK_VERSION = (
    JSON.parse(fs.readFileSync(path.join(POLICY_PACK_DIR, "package.json"), "utf8")) as {
        version: string;
    }
).version;

/** One violation, as the Pulumi CLI receives it from the analyzer. */
export interface PolicyDiagnostic {
    readonly policyName: string;
    readonly description: string;
    readonly enforcementLevel: "advisory" | "mandatory";
    readonly message: string;
    /** The resource it is about; undefined for the stack as a whole. */
    readonly resource?: { readonly type: string; readonly name: string; readonly urn: string };
}

export interface EvaluateOptions {
    /** What `--policy-pack-config` gives: per policy, its enforcement level and properties. @default none */
    readonly config?: PolicyPackConfig;
    /** Whether the values only `pulumi up` knows are unknown, as in `pulumi preview`. @default false */
    readonly preview?: boolean;
    /** @default the pack's policies */
    readonly policies?: Policies;
}

/**
 * Runs the pack's policies over a program's registrations as the Pulumi CLI's analyzer does: each custom
 * resource through every resource policy with the SDK's `ResourceValidationArgs` (its inputs behind the
 * SDK's `unknownCheckingProxy`, unknowns as the engine sends them), then the stack policies. A policy
 * that reads an unknown value is reported as the SDK reports it: advisory, "can't run … during preview".
 */
export async function evaluatePolicyPack(
    registrations: readonly Registration[],
    options: EvaluateOptions = {},
): Promise<PolicyDiagnostic[]> {
    const config = options.config ?? {};
    const resources = registrations
        .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
        .map((r) => ({ ...r, urn: urnOf(r), props: unknownCheckingProxy(asPolicyProps(r.inputs, options.preview)) }));
    const diagnostics: PolicyDiagnostic[] = [];
    for (const policy of options.policies ?? PACK_POLICIES) {
        const level = enforcementLevelOf(config, policy.name, policy.enforcementLevel);
        if (level === undefined) continue;
        const getConfig = <T extends object>(): T => propertiesOf(config, policy.name) as T;
        const report =
            (resource?: PolicyDiagnostic["resource"]) =>
            (message: string): void =>
                void diagnostics.push({
                    policyName: policy.name,
                    description: policy.description,
                    enforcementLevel: level,
                    message,
                    resource,
                });
        const cannotRun = (e: unknown, resource?: PolicyDiagnostic["resource"]) => {
            if (!(e instanceof UnknownValueError)) throw e;
            // The SDK's own words and level for a policy that read an unknown value (server.js, makeAnalyzeRpcFun).
            diagnostics.push({
                policyName: policy.name,
                description: policy.description,
                enforcementLevel: "advisory",
                message: `can't run policy '${policy.name}' from policy pack '${POLICY_PACK_NAME}@v${PACK_VERSION}' during preview: ${e.message}`,
                resource,
            });
        };
        if ("validateResource" in policy && policy.validateResource !== undefined) {
            const validations = [policy.validateResource].flat();
            for (const r of resources) {
                const resource = { type: r.type, name: r.name, urn: r.urn };
                const args: ResourceValidationArgs = {
                    type: r.type,
                    props: r.props,
                    urn: r.urn,
                    name: r.name,
                    opts: NO_OPTIONS,
                    stackTags: new Map(),
                    isType: (resourceClass) => isTypeOf(r.type, resourceClass),
                    asType: <T>(resourceClass: new (...rest: never[]) => pulumi.Resource) =>
                        (isTypeOf(r.type, resourceClass) ? r.props : undefined) as T,
                    getConfig,
                    notApplicable: notApplicable,
                };
                for (const validate of validations) {
                    try {
                        await validate(args, report(resource));
                    } catch (e) {
                        if (!(e instanceof NotApplicable)) cannotRun(e, resource);
                    }
                }
            }
        } else if ("validateStack" in policy) {
            const stackResources: PolicyResource[] = resources.map((r) => ({
                type: r.type,
                props: r.props,
                urn: r.urn,
                name: r.name,
                opts: NO_OPTIONS,
                dependencies: [],
                propertyDependencies: {},
                isType: (resourceClass) => isTypeOf(r.type, resourceClass),
                asType: (resourceClass) => (isTypeOf(r.type, resourceClass) ? (r.props as never) : undefined),
            }));
            const args: StackValidationArgs = {
                resources: stackResources,
                stackTags: new Map(),
                getConfig,
                notApplicable,
            };
            try {
                await policy.validateStack(args, (message, urn) => {
                    const r = resources.find((x) => x.urn === urn);
                    report(r && { type: r.type, name: r.name, urn: r.urn })(message);
                });
            } catch (e) {
                if (!(e instanceof NotApplicable)) cannotRun(e);
            }
        }
    }
    return diagnostics;
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

const NO_OPTIONS: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

/** The level a policy runs at, as the analyzer picks it (configuration, then the policy's, then the pack's advisory). */
function enforcementLevelOf(
    config: PolicyPackConfig,
    name: string,
    own: EnforcementLevel | undefined,
): "advisory" | "mandatory" | undefined {
    const configured = config[name];
    const level = (typeof configured === "string" ? configured : configured?.enforcementLevel) ?? own ?? "advisory";
    if (level === "disabled") return undefined;
    return level === "advisory" ? "advisory" : "mandatory";
}

/** A policy's configuration without its enforcement level, as `args.getConfig()` returns it. */
function propertiesOf(config: PolicyPackConfig, name: string): object {
    const configured = config[name];
    if (typeof configured !== "object" || configured === null) return {};
    return Object.fromEntries(Object.entries(configured).filter(([key]) => key !== "enforcementLevel"));
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    return (resourceClass as { __pulumiType?: string }).__pulumiType === type;
}

/** The URN the engine would give a registration (parents left out: no policy reads them). */
function urnOf(r: Registration): string {
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${r.type}::${r.name}`;
}

/**
 * Inputs as the analyzer receives them: the mock runtime's unknowns (and, in preview, resources, whose
 * ids are unknown) as the engine's unknown sentinel, secrets as their plain values.
 */
function asPolicyProps(value: Record<string, unknown>, preview = false): Record<string, unknown> {
    const convert = (v: unknown): unknown => {
        if (pulumi.isUnknown(v) || (preview && pulumi.Resource.isInstance(v))) return unknownValue;
        if (Array.isArray(v)) return v.map(convert);
        if (
            typeof v !== "object" ||
            v === null ||
            pulumi.asset.Asset.isInstance(v) ||
            pulumi.asset.Archive.isInstance(v)
        )
            return v;
        const o = v as Record<string, unknown>;
        if (o[specialSigKey] === specialSecretSig) return convert(o.value);
        return Object.fromEntries(
            Object.entries(o)
                .filter(([, x]) => x !== undefined)
                .map(([k, x]) => [k, convert(x)]),
        );
    };
    return convert(value) as Record<string, unknown>;
}

/** The violations as `pulumi preview` prints them (its "Policy Violations" section). */
export function formatDiagnostics(diagnostics: readonly PolicyDiagnostic[]): string {
    if (diagnostics.length === 0) return `Policy pack ${POLICY_PACK_NAME} v${PACK_VERSION}: no violations.`;
    const ordered = [...diagnostics].sort((a, b) =>
        a.enforcementLevel === b.enforcementLevel ? 0 : a.enforcementLevel === "mandatory" ? -1 : 1,
    );
    const lines = ordered.flatMap((d) => [
        `    [${d.enforcementLevel}]  ${POLICY_PACK_NAME} v${PACK_VERSION}  ${d.policyName} (${d.resource ? `${d.resource.name}: ${d.resource.type}` : "stack"})`,
        `    ${d.description}`,
        `    ${d.message}`,
    ]);
    return ["Policy Violations:", ...lines].join("\n");
}

/** Reads a `--policy-pack-config` file: JSON, `{ "<policy>": "<level>" | { enforcementLevel?, ... } }`. */
export function readPolicyPackConfig(file: string): PolicyPackConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new Error(`The policy pack configuration ${file} cannot be read; pass an existing JSON file.`);
    }
    try {
        const config = JSON.parse(text) as unknown;
        if (typeof config !== "object" || config === null || Array.isArray(config)) throw new Error("not an object");
        return config as PolicyPackConfig;
    } catch (e) {
        throw new Error(
            `The policy pack configuration ${file} is not a JSON object (${(e as Error).message}); write { "<policy name>": { ... } } as for pulumi preview --policy-pack-config.`,
        );
    }
}

/**
 * What `npm start` runs after the program and before serving: the pack over the program's registrations,
 * printed as `pulumi preview --policy-pack` prints it; mandatory violations stop it, as they stop a preview.
 */
export async function checkPolicyPack(
    registrations: readonly Registration[],
    options: { config?: PolicyPackConfig; print: (text: string) => void },
): Promise<void> {
    const diagnostics = await evaluatePolicyPack(registrations, { config: options.config });
    options.print(formatDiagnostics(diagnostics));
    const mandatory = diagnostics.filter((d) => d.enforcementLevel === "mandatory");
    if (mandatory.length > 0)
        throw new Error(
            `${mandatory.length} mandatory policy violation${mandatory.length === 1 ? "" : "s"} of ${POLICY_PACK_NAME} (above), which would stop pulumi preview --policy-pack policy-pack: fix each as it says, or list what must stay public in --policy-pack-config.`,
        );
}
