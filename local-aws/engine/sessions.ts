import { assumedRoleArn } from "../../components/policies/arns";
import type { LocalAwsAccount } from "./account";
import { newSessionAccessKeyId, newSessionToken, newSecretAccessKey } from "./ids";
import { COGNITO_IDENTITY } from "../../components/callers/trust";
import { AttachedPolicy, CallerIdentity, CognitoCaller, RoleRecord, SessionRecord } from "./records";

/** Temporary credentials for a role, valid from `issuedAt` for `durationSeconds`, kept in its account. */
export function issueSession(
    account: LocalAwsAccount,
    role: RoleRecord,
    sessionName: string,
    issuedAt: Date,
    durationSeconds: number,
    federation?: SessionRecord["federation"],
    cognito?: CognitoCaller,
    sessionPolicies: readonly AttachedPolicy[] = [],
): SessionRecord {
    const session: SessionRecord = {
        accessKeyId: newSessionAccessKeyId(),
        secretAccessKey: newSecretAccessKey(),
        sessionToken: newSessionToken(),
        roleName: role.name,
        sessionName,
        issuedAt,
        expiration: new Date(issuedAt.getTime() + durationSeconds * 1000),
        federation,
        cognito,
        sessionPolicies,
    };
    account.sessions.set(session.accessKeyId, session);
    return session;
}

/**
 * A role session as IAM sees the caller: `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`,
 * the role's policies (read at each request, as IAM does), `aws:userid` `<role unique id>:<session>`,
 * and, for a web identity's session, the provider and token claims its condition keys come from.
 */
export function sessionIdentity(account: LocalAwsAccount, session: SessionRecord): CallerIdentity {
    const role = account.roles.get(session.roleName);
    if (!role)
        throw new Error(`Session ${session.accessKeyId} belongs to role ${session.roleName}, which does not exist.`);
    const userId = `${role.uniqueId}:${session.sessionName}`;
    const common = {
        accountId: account.accountId,
        userId,
        tags: role.tags,
        roleArn: role.arn,
        issuedAt: session.issuedAt,
    };
    return {
        arn: assumedRoleArn(account.partition, account.accountId, role.name, session.sessionName),
        accountId: account.accountId,
        userId,
        cognito: session.cognito,
        policies: account.policiesForRole(role.name),
        sessionPolicies: session.sessionPolicies,
        facts:
            session.federation === undefined
                ? { kind: "roleSession", ...common }
                : {
                      kind:
                          session.federation.token.issuer === COGNITO_IDENTITY
                              ? "identityPoolSession"
                              : "webIdentitySession",
                      ...common,
                      federatedProvider: session.federation.provider,
                      token: session.federation.token,
                  },
    };
}
