import * as pulumi from "@pulumi/pulumi";
import { LocalAwsAccount } from "../../local-aws/engine/account";
import { LocalAwsMocks, useLocalAws } from "../../local-aws/engine/mocks";
import { settle } from "../../local-aws/engine/runProgram";

export const TEST_REGION = "us-west-2";

/** A fresh local AWS account behind Pulumi's mock runtime, in preview or update mode. */
export async function freshLocalAws(preview: boolean): Promise<{ account: LocalAwsAccount; mocks: LocalAwsMocks }> {
    const account = new LocalAwsAccount(TEST_REGION);
    const mocks = await useLocalAws({ account, project: "secured-rest-api", stack: "test", preview });
    return { account, mocks };
}

/** The value of an output (undefined while unknown in preview). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T | undefined> {
    return settle(pulumi.output(output) as pulumi.Output<T>);
}

/** The inputs the program registered for the one resource of a type. */
export function inputsOf(mocks: LocalAwsMocks, type: string): Record<string, unknown> {
    const matches = mocks.registrations.filter((r) => r.type === type);
    if (matches.length !== 1) throw new Error(`expected one ${type}, found ${matches.length}`);
    return matches[0].inputs;
}
