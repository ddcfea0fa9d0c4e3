import * as pulumi from "@pulumi/pulumi";
import { SecuredRestApi } from "../../components";
import { LocalAwsAccount } from "../../local-aws/engine/account";
import { LocalAwsMocks, useLocalAws } from "../../local-aws/engine/mocks";
import { outputsAsJson, settle } from "../../local-aws/engine/runProgram";
import { startLocalMode } from "../../local-aws/localMode";
import { Credentials, rawRequest, signedHeaders } from "./rawHttp";
import { PROJECT_DIR } from "./specs";

export const TEST_REGION = "us-west-2";

/**
 * For tests of what a program does rather than of the type check (tests/typeCheck.test.ts): run it
 * transpiled only, in process and in spawned tools alike, as PULUMI_NODEJS_TRANSPILE_ONLY does for
 * `pulumi up`. A first check parses @pulumi/aws's declarations, seconds that these tests need not pay.
 */
export const TRANSPILED = { typeCheck: false } as const;
export const TRANSPILED_ENV = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } as const;

/** A fresh local AWS account behind Pulumi's mock runtime, in preview or update mode, with no stack config. */
export async function freshLocalAws(preview: boolean): Promise<{ account: LocalAwsAccount; mocks: LocalAwsMocks }> {
    // No stack config either: a program run in this process before (runProgramLocally) leaves its stack's.
    pulumi.runtime.setAllConfig({});
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

/** The outputs a client needs, as a program built around one SecuredRestApi would export them. */
export function clientOutputs(api: SecuredRestApi): Record<string, unknown> {
    return {
        invokeUrl: api.invokeUrl,
        region: api.region,
        accessKeyId: api.accessKeyId,
        secretAccessKey: api.secretAccessKey,
    };
}

/** An inline program served by local mode, and a signed GET against its API. */
export async function serveLocally(program: () => Record<string, unknown>) {
    const local = await startLocalMode({ projectDir: PROJECT_DIR, program });
    const outputs = outputsAsJson(local.outputs) as Record<string, unknown> & {
        invokeUrl: string;
        region: string;
        accessKeyId: string;
        secretAccessKey: string;
    };
    const url = new URL(outputs.invokeUrl);
    const get = (path: string, key: Credentials = outputs) => {
        const target = `${url.pathname}${path}`;
        const headers = signedHeaders(
            url.host,
            outputs.region,
            { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
            { method: "GET", target },
        );
        return rawRequest(Number(url.port), { method: "GET", target, headers });
    };
    return { local, outputs, get };
}
