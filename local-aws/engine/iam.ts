import { isJsonObject } from "../../components/openapi/operations";
import type { LocalAwsAccount } from "./account";
import { autoNameSuffix, newAccessKeyId, newIamUniqueId, newSecretAccessKey } from "./ids";
import {
    AccessKeyRecord,
    AttachedPolicy,
    addTo,
    HandlerTable,
    Inputs,
    LocalAwsError,
    nameOrAutoName,
    ProvisionResult,
    pushTo,
    requireValidPolicy,
} from "./records";

/** What IAM's resources become in the local account: identities, policies, attachments and keys. */
export const IAM_HANDLERS: HandlerTable = {
    "aws:iam/group:Group": (account, name, inputs) => {
        refuseUnemulatedIdentityInputs(inputs, `aws.iam.Group "${name}"`);
        const groupName = nameOrAutoName(inputs.name, name);
        const arn = account.iamArn("group", groupName);
        account.groups.set(groupName, { name: groupName, arn });
        return {
            id: groupName,
            state: { ...inputs, name: groupName, arn, path: "/", uniqueId: newIamUniqueId("AGPA") },
        };
    },
    "aws:iam/policy:Policy": (account, name, inputs) => {
        refuseUnemulatedIdentityInputs(inputs, `aws.iam.Policy "${name}"`);
        const policyName = nameOrAutoName(inputs.name, name);
        const document = requireValidPolicy(inputs.policy, "identity");
        const arn = account.iamArn("policy", policyName);
        account.policies.set(arn, { arn, name: policyName, document });
        return { id: arn, state: { ...inputs, name: policyName, arn, policyId: newIamUniqueId("ANPA") } };
    },
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": (account, _name, inputs) => {
        const group = account.requireGroup(inputs.group);
        const policyArn = String(inputs.policyArn);
        account.policyDocument(policyArn);
        addTo(account.groupAttachments, group, policyArn);
        return { id: `${group}-${autoNameSuffix()}`, state: { ...inputs } };
    },
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": (account, _name, inputs) => {
        const user = account.requireUser(inputs.user);
        const policyArn = String(inputs.policyArn);
        account.policyDocument(policyArn);
        addTo(account.userAttachments, user, policyArn);
        return { id: `${user}-${autoNameSuffix()}`, state: { ...inputs } };
    },
    "aws:iam/groupPolicy:GroupPolicy": (account, name, inputs) =>
        inlinePolicy(account.groupInlinePolicies, account.requireGroup(inputs.group), name, inputs),
    "aws:iam/userPolicy:UserPolicy": (account, name, inputs) =>
        inlinePolicy(account.userInlinePolicies, account.requireUser(inputs.user), name, inputs),
    "aws:iam/user:User": (account, name, inputs) => {
        refuseUnemulatedIdentityInputs(inputs, `aws.iam.User "${name}"`);
        const userName = nameOrAutoName(inputs.name, name);
        const arn = account.iamArn("user", userName);
        const uniqueId = newIamUniqueId("AIDA");
        const tags = new Map(
            Object.entries(isJsonObject(inputs.tags) ? inputs.tags : {}).map(([k, v]) => [k, String(v)]),
        );
        account.users.set(userName, { name: userName, arn, uniqueId, tags });
        return { id: userName, state: { ...inputs, name: userName, arn, path: "/", uniqueId } };
    },
    "aws:iam/userGroupMembership:UserGroupMembership": (account, _name, inputs) => {
        const user = account.requireUser(inputs.user);
        const groups = (inputs.groups as unknown[]).map((g) => account.requireGroup(g));
        for (const group of groups) addTo(account.memberships, user, group);
        return { id: `terraform-${autoNameSuffix()}`, state: { ...inputs } };
    },
    "aws:iam/accessKey:AccessKey": (account, _name, inputs) => {
        const user = account.requireUser(inputs.user);
        const existing = [...account.accessKeys.values()].filter((k) => k.userName === user);
        if (existing.length >= 2) {
            throw new LocalAwsError("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2");
        }
        const key: AccessKeyRecord = {
            id: newAccessKeyId(),
            secret: newSecretAccessKey(),
            userName: user,
            status: accessKeyStatus(inputs.status),
        };
        account.accessKeys.set(key.id, key);
        return {
            id: key.id,
            state: { ...inputs, secret: key.secret, status: key.status, createDate: new Date().toISOString() },
        };
    },
    "aws:iam/role:Role": (account, name, inputs) => {
        refuseUnemulatedIdentityInputs(inputs, `aws.iam.Role "${name}"`);
        const roleName = nameOrAutoName(inputs.name, name);
        if (account.roles.has(roleName))
            throw new LocalAwsError("EntityAlreadyExists", `Role with name ${roleName} already exists.`);
        const assumeRolePolicy = requireValidPolicy(inputs.assumeRolePolicy, "trust");
        // A role's own inlinePolicies and managedPolicyArns are its identity policies, as RolePolicy and RolePolicyAttachment are.
        const inline = Array.isArray(inputs.inlinePolicies) ? inputs.inlinePolicies : [];
        const managed = (Array.isArray(inputs.managedPolicyArns) ? inputs.managedPolicyArns : []).map(String);
        for (const arn of managed) account.policyDocument(arn);
        const inlineDocuments = inline.flatMap((policy: unknown, i) => {
            if (!isJsonObject(policy)) return [];
            // The provider skips an entry without a policy (it stands for "no inline policies").
            if (policy.policy === undefined || policy.policy === "") return [];
            const policyName = typeof policy.name === "string" ? policy.name : `inline-${i}`;
            return [{ name: policyName, document: requireValidPolicy(policy.policy, "identity") }];
        });
        const uniqueId = newIamUniqueId("AROA");
        const arn = account.iamArn("role", roleName);
        const maxSessionDurationSeconds =
            typeof inputs.maxSessionDuration === "number" ? inputs.maxSessionDuration : 3600;
        account.roles.set(roleName, {
            name: roleName,
            arn,
            uniqueId,
            assumeRolePolicy,
            tags: tagsOf(inputs),
            maxSessionDurationSeconds,
            exclusive: {
                inlinePolicies: inputs.inlinePolicies !== undefined,
                managedPolicyArns: inputs.managedPolicyArns !== undefined,
            },
        });
        for (const policy of inlineDocuments) putInline(account.roleInlinePolicies, roleName, policy);
        for (const arn of managed) addTo(account.roleAttachments, roleName, arn);
        return {
            id: roleName,
            state: {
                ...inputs,
                name: roleName,
                arn,
                uniqueId,
                path: "/",
                maxSessionDuration: maxSessionDurationSeconds,
            },
        };
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (account, name, inputs) => {
        const role = account.requireRole(inputs.role);
        if (account.roles.get(role)?.exclusive.managedPolicyArns)
            throw new Error(
                `aws.iam.RolePolicyAttachment "${name}": role ${role} sets managedPolicyArns, which the provider keeps exclusive (its next update detaches every other policy, this one included). List the policy in the role's managedPolicyArns instead.`,
            );
        const policyArn = String(inputs.policyArn);
        account.policyDocument(policyArn);
        addTo(account.roleAttachments, role, policyArn);
        return { id: `${role}-${autoNameSuffix()}`, state: { ...inputs } };
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (account, _name, inputs) => {
        const url = String(inputs.url);
        if (!/^https:\/\/[^\s]+$/.test(url))
            throw new LocalAwsError("ValidationError", `The url ${url} is not an https:// URL.`);
        const issuer = url.slice("https://".length).replace(/\/$/, "");
        if (account.oidcProviders.has(issuer))
            throw new LocalAwsError("EntityAlreadyExists", `Provider with url ${url} already exists.`);
        const clientIds = (Array.isArray(inputs.clientIdLists) ? inputs.clientIdLists : []).map(String);
        const arn = account.iamArn("oidc-provider", issuer);
        account.oidcProviders.set(issuer, { arn, issuer, clientIds });
        return { id: arn, state: { ...inputs, arn } };
    },
    "aws:iam/rolePolicy:RolePolicy": (account, name, inputs) => {
        const role = account.requireRole(inputs.role);
        if (account.roles.get(role)?.exclusive.inlinePolicies)
            throw new Error(
                `aws.iam.RolePolicy "${name}": role ${role} sets inlinePolicies, which the provider keeps exclusive (its next update removes every other inline policy, this one included). Put the policy in the role's inlinePolicies instead.`,
            );
        return inlinePolicy(account.roleInlinePolicies, role, name, inputs);
    },
};

/**
 * Inputs of IAM's identities that change who may do what and that local mode does not emulate: refused
 * by name, since running without them would let through what AWS refuses (a boundary limits a
 * principal; a path is part of its ARN, which policies name).
 */
function refuseUnemulatedIdentityInputs(inputs: Inputs, what: string): void {
    const unemulated = [
        inputs.permissionsBoundary !== undefined && inputs.permissionsBoundary !== ""
            ? "permissions boundaries (permissionsBoundary)"
            : "",
        inputs.path !== undefined && inputs.path !== "/"
            ? `IAM paths (path ${JSON.stringify(inputs.path)}: AWS puts it in the ARN, :user/ops/name)`
            : "",
    ].filter((s) => s !== "");
    if (unemulated.length > 0)
        throw new Error(
            `Local mode does not emulate ${unemulated.join(", ")} of ${what}; leave ${unemulated.length === 1 ? "it" : "them"} out to run the program locally.`,
        );
}

/** An access key's `status` input: Active (the default) or Inactive, which IAM then refuses to sign with. */
function accessKeyStatus(status: unknown): "Active" | "Inactive" {
    if (status === undefined || status === "Active") return "Active";
    if (status === "Inactive") return "Inactive";
    throw new LocalAwsError(
        "ValidationError",
        `Access key status ${JSON.stringify(status)} must be Active or Inactive.`,
    );
}

/**
 * An inline policy, one per name as IAM keeps them: a second of the same name would replace the first
 * (PutRolePolicy), whichever the provider applies last, so local mode refuses it rather than keep both.
 */
function putInline(policies: Map<string, AttachedPolicy[]>, owner: string, policy: AttachedPolicy): void {
    if ((policies.get(owner) ?? []).some((p) => p.name === policy.name))
        throw new LocalAwsError(
            "EntityAlreadyExists",
            `${owner} already has an inline policy named ${policy.name}: IAM keeps one per name, the one put last. Give each a name of its own.`,
        );
    pushTo(policies, owner, policy);
}

/** A resource's `tags` input, as IAM keeps them. */
function tagsOf(inputs: Inputs): ReadonlyMap<string, string> {
    return new Map(Object.entries(isJsonObject(inputs.tags) ? inputs.tags : {}).map(([k, v]) => [k, String(v)]));
}

/** An inline policy of a user, group or role (`<owner>:<policy name>`), its document checked as IAM does. */
function inlinePolicy(
    policies: Map<string, AttachedPolicy[]>,
    owner: string,
    name: string,
    inputs: Inputs,
): ProvisionResult {
    const policyName = nameOrAutoName(inputs.name, name);
    putInline(policies, owner, { name: policyName, document: requireValidPolicy(inputs.policy, "identity") });
    return { id: `${owner}:${policyName}`, state: { ...inputs, name: policyName } };
}

/**
 * The data source `aws.iam.getOpenIdConnectProvider` (the provider's openid_connect_provider_data_source.go):
 * exactly one of `arn` or an https `url`, found by the part of each provider's ARN after `oidc-provider/`
 * (its URL without https://, as IAM keys providers); refused with the provider's words when there is none,
 * and how the component gets one.
 */
export function readOpenIdConnectProvider(account: LocalAwsAccount, inputs: Inputs): Record<string, unknown> {
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    const arn = text(inputs.arn);
    const url = text(inputs.url);
    if ((arn === undefined) === (url === undefined))
        throw new Error(
            arn === undefined
                ? '"arn": one of `arn,url` must be specified'
                : '"arn": only one of `arn,url` can be specified, but `arn,url` were specified.',
        );
    if (url !== undefined && !/^https:\/\/[^?]+$/.test(url))
        throw new Error('"url" has to use HTTPS scheme (i.e. begin with https://)');
    const providers = [...account.oidcProviders.values()];
    const provider =
        url === undefined
            ? providers.find((p) => p.arn === arn)
            : providers.find((p) => p.arn.slice(p.arn.indexOf("/") + 1) === url.slice("https://".length));
    if (!provider)
        throw new Error(
            `${url === undefined ? "reading IAM OIDC Provider" : `reading IAM OIDC Provider (${url})`}: couldn't find resource. The account has no OpenID Connect provider ${url === undefined ? arn : `for ${url}`}: pass providerArn (the ARN of the account's provider for this issuer), or set createProvider: true on the web identity to create it in this stack.`,
        );
    return {
        arn: provider.arn,
        id: provider.arn,
        clientIdLists: [...provider.clientIds],
        tags: {},
        thumbprintLists: [],
        // IAM answers the URL without https:// (hence the provider's suppressOpenIDURL).
        url: provider.issuer,
    };
}
