import * as pulumi from "@pulumi/pulumi";
import { PolicyPackConfig } from "@pulumi/policy";
import { allRegistrationsSettled, Registration } from "../../local-aws/engine/mocks";
import { evaluatePolicyPack, PolicyDiagnostic } from "../../local-aws/policyPack";
import { policies } from "../../policy-pack/policies";

/**
 * The registrations of a program run on Pulumi's mock runtime as it is (every resource type, nothing
 * provisioned): in preview every output is unknown, as in `pulumi preview` of a new stack.
 */
export async function registrationsOf(program: () => void, preview: boolean): Promise<Registration[]> {
    const registrations: Registration[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const inputs = args.inputs as Record<string, unknown>;
                registrations.push({
                    type: args.type,
                    name: args.name,
                    inputs,
                    custom: args.custom !== false,
                    aliases: [],
                });
                return { id: preview ? undefined : `${args.name}-id`, state: inputs };
            },
            call: () => ({ name: "us-west-2", region: "us-west-2", partition: "aws", accountId: "123456789012" }),
        },
        "seeded",
        "test",
        preview,
    );
    program();
    await allRegistrationsSettled();
    return registrations;
}

/** The pack's verdict on a program, at preview or (by default) at up; `without` removes one policy. */
export async function verdictOn(
    program: () => void,
    options: { preview?: boolean; config?: PolicyPackConfig; without?: string } = {},
): Promise<PolicyDiagnostic[]> {
    const registrations = await registrationsOf(program, options.preview ?? false);
    return evaluatePolicyPack(registrations, {
        preview: options.preview,
        config: options.config,
        policies: policies.filter((p) => p.name !== options.without),
    });
}

/** `<level> <policy>` of each violation, e.g. `mandatory rest-api-methods-require-iam`. */
export const levels = (diagnostics: readonly PolicyDiagnostic[]): string[] =>
    diagnostics.map((d) => `${d.enforcementLevel} ${d.policyName}`);
