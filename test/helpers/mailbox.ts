// A real SMTP server from Debian's packages (python3-aiosmtpd with its Maildir handler) on a port
// chosen for the test, and the messages it received, decoded by Python's own e-mail parser (not
// by nodemailer, which wrote them): subjects from their MIME encoded words, bodies from their
// transfer encodings, attachments by name.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { connect } from "node:net";
import { findBinary } from "./peers.js";

const PYTHON = "/usr/bin/python3";

/** The Debian python3 with aiosmtpd, or undefined (a failure under CI=true). */
export function smtpPeer(): string | undefined {
  const python = findBinary(PYTHON);
  let ok = false;
  if (python) {
    try {
      execFileSync(python, ["-c", "import aiosmtpd"], { stdio: "ignore" });
      ok = true;
    } catch {
      ok = false;
    }
  }
  if (!ok && process.env.CI === "true") {
    throw new Error(
      "python3-aiosmtpd is required for this test under CI=true; .ci/run installs it",
    );
  }
  return ok ? python : undefined;
}

export interface Mail {
  messageId: string;
  subject: string;
  /** The Subject header as it travelled (encoded words). */
  rawSubject: string;
  from: string;
  to: string;
  /** X-RcptTo, added by the server: the envelope's recipients. */
  rcptTo: string;
  dedupeKey: string;
  events: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; content: string }[];
}

const READ = `
import json, mailbox, sys
from email import policy
from email.parser import BytesParser
out = []
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
for key in sorted(box.keys()):
    raw = box.get_bytes(key)
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    raw_subject = BytesParser(policy=policy.compat32).parsebytes(raw)["Subject"]
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    atts = []
    for part in msg.iter_attachments():
        content = part.get_content()
        if isinstance(content, bytes):
            content = content.decode("utf-8")
        atts.append({"filename": part.get_filename(), "contentType": part.get_content_type(), "content": content})
    out.append({
        "messageId": str(msg["Message-ID"] or ""),
        "subject": str(msg["Subject"] or ""),
        "rawSubject": str(raw_subject or ""),
        "from": str(msg["From"] or ""),
        "to": str(msg["To"] or ""),
        "rcptTo": str(msg["X-RcptTo"] or ""),
        "dedupeKey": str(msg["X-Giamsat-Dedupe-Key"] or ""),
        "events": str(msg["X-Giamsat-Events"] or ""),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
        "attachments": atts,
    })
print(json.dumps(out))
`;

export function readMailbox(dir: string): Mail[] {
  try {
    const out = execFileSync(PYTHON, ["-c", READ, dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out) as Mail[];
  } catch (error) {
    if (String((error as { stderr?: string }).stderr ?? "").includes("NoSuchMailboxError"))
      return [];
    throw error;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("220"));
    });
    socket.once("error", () => resolve(false));
  });
}

export class SmtpServer {
  #child: ChildProcess | undefined;
  #output = "";

  constructor(
    readonly python: string,
    readonly port: number,
    /** The Maildir messages are delivered to. */
    readonly dir: string,
    /** With a certificate and key, STARTTLS is offered and required before MAIL. */
    readonly tls?: { cert: string; key: string },
  ) {}

  async start(): Promise<void> {
    const tls = this.tls ? ["--tlscert", this.tls.cert, "--tlskey", this.tls.key] : [];
    this.#child = spawn(
      this.python,
      [
        "-m",
        "aiosmtpd",
        "-n",
        "-l",
        `127.0.0.1:${this.port}`,
        ...tls,
        "-c",
        "aiosmtpd.handlers.Mailbox",
        this.dir,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#child.stdout?.on("data", (d: Buffer) => {
      this.#output += d.toString();
    });
    this.#child.stderr?.on("data", (d: Buffer) => {
      this.#output += d.toString();
    });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (this.#child.exitCode !== null) break;
      if (await listening(this.port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`aiosmtpd did not start on port ${this.port}: ${this.#output}`);
  }

  /** Stops the server by its PID and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    if (child.pid !== undefined) process.kill(child.pid, "SIGTERM");
    await exited;
  }

  messages(): Mail[] {
    return readMailbox(this.dir);
  }
}
