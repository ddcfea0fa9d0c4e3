/**
 * Local mode's TLS: a certificate authority of its own that issues each custom domain's server
 * certificate (clients trust it with its printed file, never the system's store), and the checks API
 * Gateway makes of a client's certificate on a domain with mutual TLS.
 */
// tsyringe, under @peculiar/x509, needs the Reflect metadata API before it loads.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { randomBytes, webcrypto } from "crypto";
import type { TLSSocket } from "tls";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** ECDSA P-256 with SHA-256: fast to make, and among the key types API Gateway takes (developer guide, "Configuring mutual TLS"). */
const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
/** Certificates live as long as one run needs, with an hour's margin for clocks that differ. */
const DEFAULT_LIFETIME_MS = 30 * 24 * 3600 * 1000;
const CLOCK_MARGIN_MS = 3600 * 1000;
/** The longest chain API Gateway follows from a client certificate to its truststore. */
export const MAX_CLIENT_CHAIN_LENGTH = 4;

/** A certificate and its private key, PEM. The key stays in memory (or a test's own temporary file). */
export interface IssuedCertificate {
    readonly certificatePem: string;
    readonly privateKeyPem: string;
}

/** What a certificate is for, and when it is valid. */
export interface CertificateRequest {
    /** The subject's common name. */
    readonly commonName: string;
    /** `server`: DNS names in its subject alternative names; `client`: for mutual TLS; `ca`: issues others. */
    readonly use: "server" | "client" | "ca";
    readonly dnsNames?: readonly string[];
    /** @default an hour ago */
    readonly notBefore?: Date;
    /** @default thirty days from now */
    readonly notAfter?: Date;
    /** The hash the issuer signs with; a weaker one than the default only to prove it is refused. @default "SHA-256" */
    readonly signatureHash?: "SHA-256" | "SHA-1";
}

/** A certificate authority whose private key never leaves this process. */
export class CertificateAuthority {
    private constructor(
        private readonly certificate: x509.X509Certificate,
        private readonly signingKey: webcrypto.CryptoKey,
    ) {}

    /** A new self-signed CA, its key made now. */
    static async create(
        commonName: string,
        validity: Pick<CertificateRequest, "notBefore" | "notAfter"> = {},
    ): Promise<CertificateAuthority> {
        const keys = await newKeys();
        const certificate = await x509.X509CertificateGenerator.createSelfSigned({
            serialNumber: serialNumber(),
            name: `CN=${commonName}`,
            ...validityOf(validity),
            keys,
            signingAlgorithm: KEY_ALGORITHM,
            extensions: [
                new x509.BasicConstraintsExtension(true, undefined, true),
                new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
                await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
            ],
        });
        return new CertificateAuthority(certificate, keys.privateKey);
    }

    /** A CA from a certificate this module issued as `ca` (an intermediate), with its key. */
    static async fromIssued(issued: IssuedCertificate): Promise<CertificateAuthority> {
        const certificate = new x509.X509Certificate(issued.certificatePem);
        const der = Buffer.from(issued.privateKeyPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
        return new CertificateAuthority(
            certificate,
            await webcrypto.subtle.importKey("pkcs8", der, KEY_ALGORITHM, true, ["sign"]),
        );
    }

    /** The CA's own certificate, PEM: what clients (or a truststore) trust. */
    get certificatePem(): string {
        return this.certificate.toString("pem");
    }

    /** A certificate signed by this CA, with a key of its own. */
    async issue(request: CertificateRequest): Promise<IssuedCertificate> {
        const keys = await newKeys();
        const usage =
            request.use === "ca"
                ? [
                      new x509.BasicConstraintsExtension(true, undefined, true),
                      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
                  ]
                : [
                      new x509.BasicConstraintsExtension(false, undefined, true),
                      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
                      new x509.ExtendedKeyUsageExtension([
                          request.use === "server"
                              ? x509.ExtendedKeyUsage.serverAuth
                              : x509.ExtendedKeyUsage.clientAuth,
                      ]),
                  ];
        const names = request.dnsNames ?? [];
        const certificate = await x509.X509CertificateGenerator.create({
            serialNumber: serialNumber(),
            subject: `CN=${request.commonName}`,
            issuer: this.certificate.subject,
            ...validityOf(request),
            publicKey: keys.publicKey,
            signingKey: this.signingKey,
            signingAlgorithm: { ...KEY_ALGORITHM, hash: request.signatureHash ?? KEY_ALGORITHM.hash },
            extensions: [
                ...usage,
                ...(names.length > 0
                    ? [
                          new x509.SubjectAlternativeNameExtension(
                              names.map((value) => ({ type: "dns" as const, value })),
                          ),
                      ]
                    : []),
                await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
                await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
            ],
        });
        return { certificatePem: certificate.toString("pem"), privateKeyPem: await privateKeyPem(keys.privateKey) };
    }
}

/** A certificate that signs itself (issued by no CA), with its key: what a client makes when it has no CA. */
export async function selfSignedCertificate(
    request: Omit<CertificateRequest, "use" | "dnsNames">,
): Promise<IssuedCertificate> {
    const keys = await newKeys();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serialNumber(),
        name: `CN=${request.commonName}`,
        ...validityOf(request),
        keys,
        signingAlgorithm: KEY_ALGORITHM,
        extensions: [
            new x509.BasicConstraintsExtension(false, undefined, true),
            new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        ],
    });
    return { certificatePem: certificate.toString("pem"), privateKeyPem: await privateKeyPem(keys.privateKey) };
}

/**
 * Why API Gateway would refuse the client of a connection to a domain with mutual TLS, in the words of
 * its execution log, or undefined when its certificate is trusted. The TLS layer has checked the chain
 * against the truststore (the server's `ca`, with `requestCert` and no automatic rejection), so a
 * refusal is answered in HTTP, as API Gateway answers it: 403 (developer guide, "Invoke an API by using
 * a custom domain name that requires mutual TLS").
 */
export function clientCertificateRefusal(socket: TLSSocket): string | undefined {
    const peer = socket.getPeerCertificate(true);
    // Inferred wording: the developer guide requires a certificate; the knowledge center lists no log line for none.
    if (!peer || !peer.raw) return "Access denied. Reason: no client certificate presented";
    const chain: Buffer[] = [];
    for (let cert = peer; cert?.raw && !chain.some((c) => c.equals(cert.raw)); cert = cert.issuerCertificate)
        chain.push(cert.raw);
    // Checked first: OpenSSL refuses a weak chain too, but names no reason for it (UNSPECIFIED).
    if (chain.some((raw) => !strongEnough(new x509.X509Certificate(raw))))
        return "Access denied. Reason: Client cert using an insecure Signature Algorithm";
    if (!socket.authorized) {
        const code = String(socket.authorizationError);
        // The knowledge center's execution-log lines ("api-gateway-mutual-tls-403-errors"); the expiry line is inferred.
        if (code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "SELF_SIGNED_CERT_IN_CHAIN")
            return "Access denied. Reason: self signed certificate";
        if (code === "CERT_HAS_EXPIRED") return "Access denied. Reason: certificate has expired";
        if (code === "CERT_NOT_YET_VALID") return "Access denied. Reason: certificate is not yet valid";
        if (/ISSUER|VERIFY_LEAF/.test(code)) return "Access denied. Reason: Could not find issuer for certificate";
        return `Access denied. Reason: ${code}`;
    }
    if (chain.length > MAX_CLIENT_CHAIN_LENGTH)
        return `Access denied. Reason: certificate chain longer than ${MAX_CLIENT_CHAIN_LENGTH}`;
    return undefined;
}

/** What API Gateway supports in a client's chain: SHA-256 or stronger, RSA-2048 or ECDSA-256 or stronger (developer guide). */
function strongEnough(certificate: x509.X509Certificate): boolean {
    const hash = (certificate.signatureAlgorithm.hash as { name?: string } | undefined)?.name ?? "";
    if (!["SHA-256", "SHA-384", "SHA-512"].includes(hash)) return false;
    const algorithm = certificate.publicKey.algorithm as { name: string; modulusLength?: number; namedCurve?: string };
    if (algorithm.name.startsWith("RSA")) return (algorithm.modulusLength ?? 0) >= 2048;
    if (algorithm.name === "ECDSA") return ["P-256", "P-384", "P-521"].includes(algorithm.namedCurve ?? "");
    return false;
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
    return await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
    const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
    const base64 = der.toString("base64").replace(/(.{64})/g, "$1\n");
    return `-----BEGIN PRIVATE KEY-----\n${base64.replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
}

function validityOf(request: Pick<CertificateRequest, "notBefore" | "notAfter">): { notBefore: Date; notAfter: Date } {
    const now = Date.now();
    return {
        notBefore: request.notBefore ?? new Date(now - CLOCK_MARGIN_MS),
        notAfter: request.notAfter ?? new Date(now + DEFAULT_LIFETIME_MS),
    };
}

/** A random positive serial number, as CAs give them (RFC 5280: at most 20 octets, positive). */
function serialNumber(): string {
    const bytes = randomBytes(16);
    bytes[0] &= 0x7f;
    return bytes.toString("hex");
}
