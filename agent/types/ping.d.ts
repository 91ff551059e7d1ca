// The part of the `ping` package (0.4, untyped) the ping probe uses.
// See node_modules/ping/README.md and lib/builder/*.js for how options become ping arguments.
declare module "ping" {
  interface PingConfig {
    /** -n: print addresses, do not look names up. */
    numeric?: boolean;
    /** Linux -W: seconds to wait for a reply (integer; 0 means the package's default, 2). */
    timeout?: number | false;
    /** Linux -w: seconds before ping exits whatever happened (integer). */
    deadline?: number | false;
    /** -c: packets to send. */
    min_reply?: number;
    /** Use ping6 / -6; the package guesses from the address when left out. */
    v6?: boolean;
    /** -s: bytes of data per packet. */
    packetSize?: number;
    /** Arguments added before the address, as they are. */
    extra?: string[];
  }

  interface PingResponse {
    inputHost: string;
    alive: boolean;
    /** Standard output and error of ping, joined in the order they arrived. */
    output: string;
  }

  const ping: {
    promise: { probe(address: string, config?: PingConfig): Promise<PingResponse> };
  };
  export default ping;
}
