import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { closestRegion, describeRegion, isAwsRegion } from "../../components/args/regions";
import { EndpointAllocator, LocalAwsAccount } from "./account";
import { allRegistrationsSettled, LocalAwsMocks, useLocalAws } from "./mocks";
import { settle } from "./outputs";
import { loadStackConfig } from "./stackConfig";
import { typeCheckProgram } from "./typeCheck";

/** A stack output after the program ran: its value and whether Pulumi holds it as a secret. */
export { settle } from "./outputs";

export interface StackOutput {
    readonly value: unknown;
    readonly secret: boolean;
}

export interface LocalRun {
    readonly account: LocalAwsAccount;
    readonly mocks: LocalAwsMocks;
    readonly outputs: Record<string, StackOutput>;
}

export interface RunOptions {
    /** Folder holding `Pulumi.yaml` and `Pulumi.<stack>.yaml`. */
    readonly projectDir: string;
    /**
     * The program: a file relative to `projectDir`, or a function (for tests) whose returned object
     * stands for the module's exports. @default "index.ts"
     */
    readonly program?: string | (() => Record<string, unknown>);
    /** @default "test" */
    readonly stack?: string;
    /** Run as `pulumi preview` (nothing provisioned, computed outputs unknown). @default false */
    readonly preview?: boolean;
    /** Where each REST API is served; @default AWS-shaped URLs that nothing serves. */
    readonly allocateEndpoint?: EndpointAllocator;
    /**
     * The account to deploy into, e.g. a second account of a local mode run (`accounts.create(id)`)
     * that holds another account's callers. @default a fresh account in the stack's region
     */
    readonly account?: LocalAwsAccount;
    /**
     * Type-check a TypeScript program file before running it, as `pulumi up` does (see typeCheckProgram).
     * @default true
     */
    readonly typeCheck?: boolean;
    /**
     * What the account holds before the program runs, as another stack or the console made it (the
     * account's OIDC provider, say): called with the account, e.g. to run another program into it.
     * @default nothing: the account is empty
     */
    readonly before?: (account: LocalAwsAccount) => Promise<void>;
    /** The folder standing in for S3 (a truststore `s3://<bucket>/<key>` is `<folder>/<bucket>/<key>`). @default none */
    readonly s3Dir?: string;
}

/**
 * Runs a Pulumi program on the embedded local engine: Pulumi's mock runtime provisioning into an
 * in-memory AWS account, with the stack's config. Resolves once every stack output is known.
 */
export async function runProgramLocally(options: RunOptions): Promise<LocalRun> {
    const stack = options.stack ?? "test";
    const config = loadStackConfig(options.projectDir, stack);
    const region = config.values["aws:region"];
    if (!region) throw new Error(`Stack "${stack}" does not set aws:region; add it to Pulumi.${stack}.yaml.`);
    if (!isAwsRegion(region)) {
        const meant = closestRegion(region);
        throw new Error(
            `Stack "${stack}" sets aws:region to ${JSON.stringify(region)} (Pulumi.${stack}.yaml), which is no AWS region; did you mean ${describeRegion(meant)}? Set aws:region: ${meant} there.`,
        );
    }
    const account = options.account ?? new LocalAwsAccount(region, options.allocateEndpoint);
    await options.before?.(account);
    if (options.s3Dir !== undefined) account.s3Dir = options.s3Dir;
    const mocks = await useLocalAws({ account, project: config.project, stack, preview: options.preview });
    pulumi.runtime.setAllConfig(config.values);

    const outputs: Record<string, StackOutput> = {};
    try {
        const exported =
            typeof options.program === "function"
                ? options.program()
                : loadProgram(options.projectDir, options.program ?? "index.ts", options.typeCheck ?? true);
        const collect = async () => {
            for (const [name, value] of Object.entries(exported)) {
                const output = pulumi.output(value);
                outputs[name] = { value: await settle(output), secret: await pulumi.isSecret(output) };
            }
            await allRegistrationsSettled();
        };
        await Promise.race([collect(), mocks.failed]);
    } catch (e) {
        // What the program registered before it failed is still being provisioned: let it finish, so nothing
        // (a REST API's listener, say) is made after the caller has cleaned up; what waits on the failure never starts.
        await Promise.race([allRegistrationsSettled(), mocks.idle()]).catch(() => undefined);
        throw e;
    }
    return { account, mocks, outputs };
}

/** Loads a program file afresh, as the language host would; its exports are the stack outputs. */
function loadProgram(projectDir: string, program: string, typeCheck: boolean): Record<string, unknown> {
    const file = path.resolve(projectDir, program);
    if (!fs.existsSync(file)) throw new Error(`The program ${file} does not exist.`);
    if (typeCheck) typeCheckProgram(file, projectDir);
    const programPath = require.resolve(file);
    delete require.cache[programPath];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(programPath) as Record<string, unknown>;
}

/** `pulumi stack output --json --show-secrets` shape: every output with secrets in clear. */
export function outputsAsJson(outputs: Record<string, StackOutput>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.value]));
}
