import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { createSignedFetch } from "../../clients";
import { githubActions, SecuredRestApi, SecuredRestApiArgs, WebIdentityTrust } from "../../components";
import { LocalAwsAccount } from "../../local-aws/engine/account";
import { allRegistrationsSettled } from "../../local-aws/engine/mocks";
import { outputsAsJson, runProgramLocally } from "../../local-aws/engine/runProgram";
import { LocalMode, startLocalMode } from "../../local-aws/localMode";
import { freshLocalAws } from "../helpers/localAws";
import { PETSTORE_OPENAPI, PROJECT_DIR } from "../helpers/specs";

// The AWS SDK warns that its 2027 releases need Node 22; the tests run on the project's Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const GITHUB = "token.actions.githubusercontent.com";
const GITHUB_PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${GITHUB}`;
const REPOSITORY = "my-org/my-repo";
const OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const FIND_PROVIDER = "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider";

/** Another stack of the account, the one that owns its GitHub OIDC provider, run into it first. */
async function providerStack(account: LocalAwsAccount): Promise<void> {
    await runProgramLocally({
        projectDir: PROJECT_DIR,
        account,
        program: () => {
            const provider = new aws.iam.OpenIdConnectProvider("github", {
                url: `https://${GITHUB}`,
                clientIdLists: ["sts.amazonaws.com"],
            });
            return { arn: provider.arn };
        },
    });
}

/** A program with one API whose role trusts these web identities. */
const apiTrusting =
    (...webIdentities: WebIdentityTrust[]) =>
    () => {
        const api = new SecuredRestApi("api", {
            openApiSpec: PETSTORE_OPENAPI,
            createUser: false,
            role: { webIdentities },
        });
        return { roleArn: api.roleArn, invokeUrl: api.invokeUrl, region: api.region };
    };

describe("a role's web identities use the account's OIDC provider (here another stack's), and GitHub jobs of a branch and of an environment", () => {
    let local: LocalMode;
    let o: { roleArn: string; invokeUrl: string; region: string };
    before(async () => {
        local = await startLocalMode({
            projectDir: PROJECT_DIR,
            before: providerStack,
            program: apiTrusting(githubActions({ repository: REPOSITORY, branch: "main", environment: "prod" })),
        });
        o = outputsAsJson(local.outputs) as typeof o;
    });
    after(() => local.close());

    /** Exchanges a GitHub Actions token with this sub for the role's credentials at the local STS. */
    const exchange = async (subject: string) => {
        const sts = new STSClient({ region: o.region, endpoint: local.identity.url, maxAttempts: 1 });
        const token = local.identity.issueWebIdentityToken({ issuer: GITHUB, subject, audience: "sts.amazonaws.com" });
        const answer = await sts.send(
            new AssumeRoleWithWebIdentityCommand({
                RoleArn: o.roleArn,
                RoleSessionName: "gha",
                WebIdentityToken: token,
            }),
        );
        const c = answer.Credentials!;
        return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    };

    it("creates no provider: the role trusts the one the account has, found by its URL", () => {
        expect([...local.account.oidcProviders.values()].map((p) => p.arn)).to.deep.equal([GITHUB_PROVIDER]);
        const role = local.account.roleOfArn(o.roleArn)!;
        const [statement] = (JSON.parse(role.assumeRolePolicy) as { Statement: Record<string, unknown>[] }).Statement;
        expect(statement).to.deep.include({
            Principal: { Federated: GITHUB_PROVIDER },
            Condition: {
                StringEquals: { [`${GITHUB}:aud`]: ["sts.amazonaws.com"] },
                StringLike: {
                    [`${GITHUB}:sub`]: [
                        `repo:${REPOSITORY}:ref:refs/heads/main`,
                        `repo:${REPOSITORY}:environment:prod`,
                    ],
                },
            },
        });
    });

    it("a job on main without an environment and a job of environment prod get in; another branch's, environment's or repository's job does not", async () => {
        for (const subject of [`repo:${REPOSITORY}:ref:refs/heads/main`, `repo:${REPOSITORY}:environment:prod`]) {
            const api = createSignedFetch({
                invokeUrl: o.invokeUrl,
                region: o.region,
                credentials: await exchange(subject),
            });
            expect((await api("/pets")).status, subject).to.equal(200);
        }
        for (const subject of [
            `repo:${REPOSITORY}:ref:refs/heads/dev`,
            `repo:${REPOSITORY}:environment:staging`,
            `repo:${REPOSITORY}:pull_request`,
            "repo:other-org/my-repo:environment:prod",
        ]) {
            const refused = await exchange(subject).then(
                () => "granted",
                (e: Error) => e.message,
            );
            expect(refused, subject).to.equal("Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }
    });
});

describe("with no provider for the issuer in the account", () => {
    it("the run fails as the data source does, naming both fixes; each fix, followed, deploys", async () => {
        const failure = await runProgramLocally({
            projectDir: PROJECT_DIR,
            program: apiTrusting(githubActions({ repository: REPOSITORY })),
        }).then(
            () => "deployed",
            (e: Error) => e.message,
        );
        expect(failure).to.equal(
            `invocation of ${FIND_PROVIDER} returned an error: reading IAM OIDC Provider (https://${GITHUB}): couldn't find resource. The account has no OpenID Connect provider for https://${GITHUB}: pass providerArn (the ARN of the account's provider for this issuer), or set createProvider: true on the web identity to create it in this stack.`,
        );

        const created = await runProgramLocally({
            projectDir: PROJECT_DIR,
            program: apiTrusting(githubActions({ repository: REPOSITORY, createProvider: true })),
        });
        expect(created.mocks.registrations.filter((r) => r.type === OIDC_PROVIDER).map((r) => r.inputs)).to.deep.equal([
            { url: `https://${GITHUB}`, clientIdLists: ["sts.amazonaws.com"] },
        ]);
        expect(created.mocks.invokes.map((i) => i.token)).not.to.include(FIND_PROVIDER);

        const named = await runProgramLocally({
            projectDir: PROJECT_DIR,
            before: providerStack,
            program: apiTrusting(githubActions({ repository: REPOSITORY, providerArn: GITHUB_PROVIDER })),
        });
        expect(named.mocks.registrations.map((r) => r.type)).not.to.include(OIDC_PROVIDER);
        expect(named.mocks.invokes.map((i) => i.token)).not.to.include(FIND_PROVIDER);
    });

    it("creating the provider where the account already has one fails as IAM does (the reason it is off by default)", async () => {
        const failure = await runProgramLocally({
            projectDir: PROJECT_DIR,
            before: providerStack,
            program: apiTrusting(githubActions({ repository: REPOSITORY, createProvider: true })),
        }).then(
            () => "deployed",
            (e: Error) => e.message,
        );
        expect(failure).to.equal(`EntityAlreadyExists: Provider with url https://${GITHUB} already exists.`);
    });
});

describe("the local data source aws.iam.getOpenIdConnectProvider, as the provider reads it", () => {
    it("finds a provider by https URL or by ARN; refuses both, neither, or a URL that is not https", async () => {
        const { account, mocks } = await freshLocalAws(false);
        await account.provision(OIDC_PROVIDER, "github", {
            url: `https://${GITHUB}`,
            clientIdLists: ["sts.amazonaws.com"],
        });
        const call = (inputs: Record<string, unknown>) => {
            try {
                return mocks.call({ token: FIND_PROVIDER, inputs, provider: "" });
            } catch (e) {
                return (e as Error).message;
            }
        };
        const found = {
            arn: GITHUB_PROVIDER,
            id: GITHUB_PROVIDER,
            clientIdLists: ["sts.amazonaws.com"],
            tags: {},
            thumbprintLists: [],
            url: GITHUB,
        };
        expect(call({ url: `https://${GITHUB}` })).to.deep.equal(found);
        expect(call({ arn: GITHUB_PROVIDER })).to.deep.equal(found);
        expect(call({ arn: GITHUB_PROVIDER, url: `https://${GITHUB}` })).to.match(
            /only one of `arn,url` can be specified/,
        );
        expect(call({})).to.match(/one of `arn,url` must be specified/);
        expect(call({ url: GITHUB })).to.match(/"url" has to use HTTPS scheme/);
        expect(call({ url: "https://gitlab.com" })).to.match(
            /reading IAM OIDC Provider \(https:\/\/gitlab\.com\): couldn't find resource\. .*pass providerArn .*or set createProvider: true/,
        );
        expect(call({ arn: "arn:aws:iam::123456789012:oidc-provider/gitlab.com" })).to.match(
            /reading IAM OIDC Provider: couldn't find resource/,
        );
    });
});

describe("what the preview says of each web identity: where its provider comes from, how to switch, the subjects trusted", () => {
    /** The info messages the component logs, in preview, with the account's GitHub provider in place. */
    async function logged(args: Partial<SecuredRestApiArgs>) {
        const { account, mocks } = await freshLocalAws(true);
        await account.provision(OIDC_PROVIDER, "github", {
            url: `https://${GITHUB}`,
            clientIdLists: ["sts.amazonaws.com"],
        });
        const log = pulumi.log as unknown as { info: (message: string, resource?: pulumi.Resource) => Promise<void> };
        const original = log.info;
        const messages: { message: string; resource?: pulumi.Resource }[] = [];
        log.info = (message, resource) => {
            messages.push({ message, resource });
            return Promise.resolve();
        };
        try {
            const api = new SecuredRestApi("api", { openApiSpec: PETSTORE_OPENAPI, createUser: false, ...args });
            await allRegistrationsSettled();
            for (const m of messages) expect(m.resource).to.equal(api);
            return { messages: messages.map((m) => m.message), mocks };
        } finally {
            log.info = original;
        }
    }

    it("found by URL (the default), with both ways to switch; a branch alone says that an environment's jobs are refused", async () => {
        const { messages, mocks } = await logged({
            role: { webIdentities: [githubActions({ repository: REPOSITORY, branch: "main" })] },
        });
        expect(messages).to.deep.equal([
            `role.webIdentities[0] (${GITHUB}) uses the account's provider found by URL https://${GITHUB} (the preview fails if there is none); set createProvider: true to create it in this stack instead, or pass providerArn. It trusts tokens of audience sts.amazonaws.com whose sub is repo:${REPOSITORY}:ref:refs/heads/main (a job on branch main that declares no environment). A job that declares an environment is refused (its sub names the environment, not the branch): add environment to githubActions to trust it too.`,
        ]);
        // The data source's arguments (@pulumi/aws v7 GetOpenIdConnectProviderOutputArgs): the https URL alone.
        expect(mocks.invokes.filter((i) => i.token === FIND_PROVIDER).map((i) => i.inputs)).to.deep.equal([
            { url: `https://${GITHUB}` },
        ]);
    });

    it("providerArn, createProvider, a provider shared by two identities of one issuer, and the subjects of each", async () => {
        const { messages, mocks } = await logged({
            role: {
                webIdentities: [
                    githubActions({ repository: REPOSITORY, environment: "prod", createProvider: true }),
                    githubActions({ repository: "my-org/other", branch: "main", environment: "prod" }),
                    {
                        issuer: "gitlab.example.com",
                        providerArn: "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com",
                        audiences: ["https://gitlab.example.com"],
                        subjects: ["project_path:my-group/my-project:ref_type:branch:ref:main"],
                    },
                ],
            },
        });
        expect(messages).to.deep.equal([
            `role.webIdentities[0] (${GITHUB}) creates the provider for https://${GITHUB} in this stack (createProvider: true); IAM holds one per URL per account, so where the account already has it, drop createProvider to use it (found by URL) or pass providerArn. It trusts tokens of audience sts.amazonaws.com whose sub is repo:${REPOSITORY}:environment:prod (a job of environment prod).`,
            `role.webIdentities[1] (${GITHUB}) uses the provider for https://${GITHUB} that role.webIdentities[0] creates. It trusts tokens of audience sts.amazonaws.com whose sub is repo:my-org/other:ref:refs/heads/main (a job on branch main that declares no environment) or repo:my-org/other:environment:prod (a job of environment prod).`,
            "role.webIdentities[2] (gitlab.example.com) uses providerArn; leave it out to use the account's provider found by URL https://gitlab.example.com, or replace it with createProvider: true to create that provider in this stack. It trusts tokens of audience https://gitlab.example.com whose sub is project_path:my-group/my-project:ref_type:branch:ref:main.",
        ]);
        expect(mocks.invokes.map((i) => i.token)).not.to.include(FIND_PROVIDER);
        expect(mocks.registrations.filter((r) => r.type === OIDC_PROVIDER).map((r) => r.inputs)).to.deep.equal([
            { url: `https://${GITHUB}`, clientIdLists: ["sts.amazonaws.com"] },
        ]);
    });
});

describe("githubActions: the subjects of a branch, an environment, or both", () => {
    const subjects = (args: Parameters<typeof githubActions>[0]) => githubActions(args).subjects;

    it("writes GitHub's sub for each, both together, the whole repository without either", () => {
        expect(subjects({ repository: REPOSITORY, branch: "main" })).to.deep.equal([
            `repo:${REPOSITORY}:ref:refs/heads/main`,
        ]);
        expect(subjects({ repository: REPOSITORY, environment: "prod" })).to.deep.equal([
            `repo:${REPOSITORY}:environment:prod`,
        ]);
        expect(subjects({ repository: REPOSITORY, branch: "main", environment: "prod" })).to.deep.equal([
            `repo:${REPOSITORY}:ref:refs/heads/main`,
            `repo:${REPOSITORY}:environment:prod`,
        ]);
        expect(subjects({ repository: REPOSITORY })).to.deep.equal([`repo:${REPOSITORY}:*`]);
        // GitHub's OIDC reference: a `:` in a value is written %3A in the sub claim.
        expect(subjects({ repository: REPOSITORY, environment: "Production:V1" })).to.deep.equal([
            `repo:${REPOSITORY}:environment:Production%3AV1`,
        ]);
    });

    it("refuses an empty branch or environment, naming the field", () => {
        expect(() => githubActions({ repository: REPOSITORY, branch: "" })).to.throw(
            'githubActions: branch must be a name such as "main" or "prod", or be left out.',
        );
        expect(() => githubActions({ repository: REPOSITORY, environment: "" })).to.throw(/environment must be a name/);
    });
});
