import { LocalAwsAccount } from "./account";
import { CallerIdentity, IssuedCredential } from "./records";

/** Where the gateway and STS look up an access key: its secret, then who it belongs to. */
export interface CredentialDirectory {
    /** The key's secret (and a temporary key's token and expiry), or undefined for an unknown key. */
    credentialFor(accessKeyId: string): IssuedCredential | undefined;
    /** The identity behind a key whose signature was accepted. */
    identityOfAccessKey(accessKeyId: string): CallerIdentity;
    /** Grows with every change to any account, so caches of decisions know when they are stale. */
    readonly revision: number;
}

/**
 * Every local account of one run (one serves the stack; others hold callers, as another AWS account
 * would), in one partition and region. Access key ids are global in AWS, so a key is found in
 * whichever account issued it, and IAM evaluates its caller with that account's policies.
 */
export class LocalAwsAccounts implements CredentialDirectory {
    private readonly byId = new Map<string, LocalAwsAccount>();

    constructor(readonly main: LocalAwsAccount) {
        this.byId.set(main.accountId, main);
    }

    /** A new empty account of the same partition and region; its id must be new. */
    create(accountId: string): LocalAwsAccount {
        if (!/^\d{12}$/.test(accountId)) throw new Error(`${JSON.stringify(accountId)} is not a 12-digit account id.`);
        if (this.byId.has(accountId)) throw new Error(`Account ${accountId} already exists in this run.`);
        const account = new LocalAwsAccount(this.main.region, this.main.allocateEndpoint, {
            accountId,
            partition: this.main.partition,
        });
        this.byId.set(accountId, account);
        return account;
    }

    account(accountId: string): LocalAwsAccount | undefined {
        return this.byId.get(accountId);
    }

    get all(): LocalAwsAccount[] {
        return [...this.byId.values()];
    }

    get revision(): number {
        let sum = 0;
        for (const account of this.byId.values()) sum += account.revision;
        return sum;
    }

    credentialFor(accessKeyId: string): IssuedCredential | undefined {
        return this.owner(accessKeyId)?.credentialFor(accessKeyId);
    }

    identityOfAccessKey(accessKeyId: string): CallerIdentity {
        const owner = this.owner(accessKeyId);
        if (!owner) throw new Error(`Access key ${accessKeyId} was accepted but no local account issued it.`);
        return owner.identityOfAccessKey(accessKeyId);
    }

    private owner(accessKeyId: string): LocalAwsAccount | undefined {
        for (const account of this.byId.values())
            if (account.sessions.has(accessKeyId) || account.accessKeys.has(accessKeyId)) return account;
        return undefined;
    }
}
