import { expect } from "chai";
import { LocalTokenIssuer } from "../../../local-aws/identity/tokens";

const NOW = new Date("2026-12-01T12:00:00Z");
const good = {
    iss: "https://token.actions.githubusercontent.com",
    sub: "repo:o/r:ref:refs/heads/main",
    aud: "sts.amazonaws.com",
};

describe("local web identity tokens", () => {
    const issuer = new LocalTokenIssuer();

    it("accept a token of ours with the claims IAM needs", () => {
        const check = issuer.check(issuer.issue(good, NOW), NOW);
        expect(check.ok && check.claims.sub).to.equal(good.sub);
    });

    // Signed by us, so only a test could mint these; STS must refuse them as InvalidIdentityToken, not fail.
    const unusable: [string, Record<string, unknown>][] = [
        ["no sub", { ...good, sub: undefined }],
        ["an object sub", { ...good, sub: { a: 1 } }],
        ["an empty aud", { ...good, aud: "" }],
        ["a list of audiences", { ...good, aud: ["a", "b"] }],
        ["an issuer without https://", { ...good, iss: "token.actions.githubusercontent.com" }],
        ["an amr that is not a list of strings", { ...good, amr: "authenticated" }],
    ];
    for (const [name, claims] of unusable)
        it(`refuse ${name}`, () => {
            const check = issuer.check(issuer.issue(claims as unknown as typeof good, NOW), NOW);
            expect(check.ok).to.equal(false);
            expect(!check.ok && check.reason).to.equal("invalid");
        });
});
