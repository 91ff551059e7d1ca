// Test certificates made with the openssl CLI: a private CA and server certificates with chosen
// start and end dates (`openssl ca -startdate/-enddate`, which OpenSSL 3.0 has), expired ones too.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCertificate {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
  /** Whole seconds, as the certificate holds them. */
  notBefore: Date;
  notAfter: Date;
}

export interface IssueOptions {
  /** Subject CN; default "localhost". */
  commonName?: string;
  /** subjectAltName entries; default DNS:localhost and IP:127.0.0.1. */
  altNames?: string[];
  /** Default: one day ago. */
  notBefore?: Date;
  notAfter: Date;
}

export interface TestCa extends TestCertificate {
  /** A server certificate signed by this CA. */
  issue(options: IssueOptions): TestCertificate;
}

const CA_CONFIG = `[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
`;

/** Days from now (negative for the past), to whole seconds. */
export function daysFromNow(days: number): Date {
  return new Date(Math.floor((Date.now() + days * 86_400_000) / 1000) * 1000);
}

/** YYYYMMDDHHMMSSZ, the GeneralizedTime form `openssl ca -startdate` takes. */
function asn1Time(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:T]/g, "")}Z`;
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** A folder set up for `openssl ca`: config, index and serial files. */
class Workspace {
  constructor(
    readonly openssl: string,
    readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, "ca.cnf"))) {
      writeFileSync(join(dir, "ca.cnf"), CA_CONFIG);
      writeFileSync(join(dir, "index.txt"), "");
      writeFileSync(join(dir, "serial"), "1000\n");
    }
  }

  run(args: string[]): void {
    execFileSync(this.openssl, args, { cwd: this.dir, stdio: ["ignore", "ignore", "pipe"] });
  }

  /** A new P-256 key and a certificate request for it; returns the file stem. */
  request(commonName: string): string {
    const stem = `cert-${randomBytes(6).toString("hex")}`;
    this.run([
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      `${stem}.key`,
      "-out",
      `${stem}.csr`,
      "-subj",
      `/CN=${commonName}`,
    ]);
    return stem;
  }

  /**
   * Signs the request with `issuer` (or itself, for a self-signed certificate) as a server
   * certificate, or with `extensions` given, as that.
   */
  sign(
    stem: string,
    options: IssueOptions,
    issuer?: TestCertificate,
    extensions?: string,
  ): TestCertificate {
    const notBefore = wholeSeconds(options.notBefore ?? daysFromNow(-1));
    const notAfter = wholeSeconds(options.notAfter);
    const altNames = options.altNames ?? ["DNS:localhost", "IP:127.0.0.1"];
    writeFileSync(
      join(this.dir, `${stem}.ext`),
      `[ server ]\n${
        extensions ??
        "basicConstraints = critical,CA:false\nkeyUsage = critical,digitalSignature\n" +
          `extendedKeyUsage = serverAuth\nsubjectAltName = ${altNames.join(",")}\n`
      }`,
    );
    const signer = issuer
      ? ["-cert", issuer.certPath, "-keyfile", issuer.keyPath]
      : ["-selfsign", "-keyfile", `${stem}.key`];
    this.run([
      "ca",
      "-batch",
      "-config",
      "ca.cnf",
      ...signer,
      "-in",
      `${stem}.csr`,
      "-out",
      `${stem}.pem`,
      "-notext",
      "-startdate",
      asn1Time(notBefore),
      "-enddate",
      asn1Time(notAfter),
      "-extfile",
      `${stem}.ext`,
      "-extensions",
      "server",
    ]);
    return this.load(stem, notBefore, notAfter);
  }

  load(stem: string, notBefore: Date, notAfter: Date): TestCertificate {
    const certPath = join(this.dir, `${stem}.pem`);
    const keyPath = join(this.dir, `${stem}.key`);
    return {
      certPath,
      keyPath,
      certPem: readFileSync(certPath, "utf8"),
      keyPem: readFileSync(keyPath, "utf8"),
      notBefore,
      notAfter,
    };
  }
}

/** A CA valid from yesterday for ten years, its files kept in `dir`. */
export function createCa(openssl: string, dir: string, commonName = "giamsat test CA"): TestCa {
  const workspace = new Workspace(openssl, dir);
  const ca = workspace.sign(
    workspace.request(commonName),
    { notBefore: daysFromNow(-1), notAfter: daysFromNow(3650) },
    undefined,
    "basicConstraints = critical,CA:true\nkeyUsage = critical,keyCertSign,cRLSign\n" +
      "subjectKeyIdentifier = hash\n",
  );
  return {
    ...ca,
    issue(options) {
      return workspace.sign(workspace.request(options.commonName ?? "localhost"), options, ca);
    },
  };
}

/** A self-signed server certificate (its own issuer), kept in `dir`. */
export function selfSigned(openssl: string, dir: string, options: IssueOptions): TestCertificate {
  const workspace = new Workspace(openssl, dir);
  return workspace.sign(workspace.request(options.commonName ?? "localhost"), options);
}
